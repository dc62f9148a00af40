/**
 * `npm run chaos [-- --events=10000] [--devices=50] [--rate=100] [--hub-kills=5]
 * [--influx-outages=5] [--telemetry=1] [--seed=1]`: the SOS chaos run (sos.ts) at full size.
 * `npm run chaos -- --cluster [--events=5000] [--devices=50] [--rate=100] [--hub-kills=5]
 * [--broker-restarts=0] [--seed=1]`: the same on two instances behind Mosquitto (cluster.ts). Mosquitto
 * 2.0.11 loses the presses published after its restart until the instances subscribe again (its
 * restored shared subscriptions route nothing; SCALING.md), so a run with broker restarts counts
 * them as lost.
 * Prints sent, acknowledged, recorded, duplicates and lost, and exits non-zero unless lost and
 * duplicates are both 0.
 */
import { numberOption } from '../helpers/options.ts';
import { runClusterChaos } from './cluster.ts';
import { runSosChaos, type SosChaosResult } from './sos.ts';

const option = numberOption;

const log = (line: string) => process.stdout.write(`${line}\n`);

/** Runs one chaos run, prints its result and exits: 0 when nothing was lost or recorded twice. */
async function report<Result extends Omit<SosChaosResult, 'influxOutages'>>(
  run: Promise<Result>,
  notes: { acknowledgedBy?: string; faults: (result: Result) => string },
): Promise<never> {
  try {
    const result = await run;
    log('');
    log(`sent          ${result.sent}`);
    log(
      `acknowledged  ${result.acknowledged}${notes.acknowledgedBy ? `  (by ${notes.acknowledgedBy})` : ''}`,
    );
    log(`recorded      ${result.recorded}  (in ${result.alerts} alerts)`);
    log(`duplicates    ${result.duplicates}`);
    log(
      `sent again    ${result.retried}  (presses a pendant repeated after its client gave up; same event id)`,
    );
    log(`lost          ${result.lost}`);
    log(
      `hub kills     ${result.hubKills} (longest time until it answered again: ${result.longestRestartMs} ms)`,
    );
    log(notes.faults(result));
    log(`took          ${(result.durationMs / 1000).toFixed(1)} s`);
    const ok = result.lost === 0 && result.duplicates === 0 && result.acknowledged === result.sent;
    log(ok ? 'goal met: lost 0, duplicates 0' : 'GOAL MISSED');
    process.exit(ok ? 0 : 1);
  } catch (error) {
    process.stderr.write(
      `chaos run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  }
}

/** The settings both runs take: presses, pendants, rate, kills and seed. */
const pressing = (events: number) => ({
  events: option('events', events),
  devices: Math.max(1, option('devices', 50)),
  rate: Math.max(1, option('rate', 100)),
  hubKills: option('hub-kills', 5),
  seed: option('seed', 1),
});

if (process.argv.includes('--cluster')) {
  const cluster = { ...pressing(5_000), brokerRestarts: option('broker-restarts', 0) };
  log(
    `SOS chaos on two instances behind Mosquitto: ${cluster.events} presses from ${cluster.devices} pendants at ` +
      `${cluster.rate}/s; an instance killed ${cluster.hubKills} times, Mosquitto restarted ${cluster.brokerRestarts} times (seed ${cluster.seed})`,
  );
  await report(runClusterChaos({ ...cluster, log }), {
    acknowledgedBy: 'the broker',
    faults: (result) => `broker stops  ${result.brokerRestarts}`,
  });
}

const options = {
  ...pressing(10_000),
  influxOutages: option('influx-outages', 5),
  telemetryPerDevice: option('telemetry', 1),
};
log(
  `SOS chaos: ${options.events} presses from ${options.devices} pendants at ${options.rate}/s; ` +
    `the hub killed ${options.hubKills} times, InfluxDB stopped ${options.influxOutages} times (seed ${options.seed})`,
);
await report(runSosChaos({ ...options, log }), {
  faults: (result) => `influx stops  ${result.influxOutages}`,
});
