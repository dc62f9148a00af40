/**
 * `npm run simulate -- --watches …`: plays watches and pendants over the hub's maker-protocol
 * listeners (3G, IW, JT/T 808). Registers them with `--provision` (saved to a credentials file) or
 * reads that file, connects each to its protocol's port, links, reports, and plays scheduled and
 * typed scenarios until `--duration` ends, "quit" is typed, or Ctrl-C. At the end it reports the
 * alarms the hub answered and those it did not.
 */
import { createInterface } from 'node:readline';
import type { WatchProtocolName } from '../../devices/watches/types.ts';
import { type Credentials, loadCredentials, saveCredentials } from '../credentials.ts';
import { HubApi } from '../provision.ts';
import { ScenarioError } from '../scenarios.ts';
import { createRandom } from '../vitals.ts';
import { parseWatchScenario, WatchFleet, type WatchFleetDevice, watchScenarioActions } from './fleet.ts';
import { provisionWatches } from './provision.ts';
import { protocolOfType } from './speakers.ts';

export const DEFAULT_WATCH_CREDENTIALS = 'data/simulator/watches.json';

export interface WatchRunOptions {
  credentialsFile: string;
  provision: boolean;
  count: number | undefined;
  protocols: WatchProtocolName[];
  api: string;
  username: string;
  password: string | undefined;
  host: string;
  ports: Partial<Record<WatchProtocolName, number>>;
  scenarios: string[];
  durationMs: number | undefined;
  linkIntervalMs: number;
  alarmRepeatMs: number;
  interactive: boolean;
  seed: number;
}

/** `3g,iw` → the protocols, each once; refused for a name the hub does not speak. */
export function parseProtocols(text: string): WatchProtocolName[] {
  const names = text
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const known: WatchProtocolName[] = ['3g', 'iw', 'jt808'];
  const wrong = names.find((name) => !known.includes(name as WatchProtocolName));
  if (wrong !== undefined || names.length === 0) {
    throw new ScenarioError(`--protocols takes 3g, iw and jt808, comma-separated; got "${text}"`);
  }
  return [...new Set(names)] as WatchProtocolName[];
}

/** The watch and pendant devices a credentials file lists, in order. */
export function watchDevicesOf(credentials: Credentials): WatchFleetDevice[] {
  return credentials.retirees.flatMap((retiree) =>
    retiree.devices.flatMap((device) => {
      const protocol = protocolOfType(device.type);
      return protocol ? [{ id: device.id, protocol }] : [];
    }),
  );
}

async function credentialsFor(options: WatchRunOptions): Promise<Credentials> {
  if (!options.provision) return loadCredentials(options.credentialsFile);
  if (!options.password) throw new ScenarioError('--provision needs --password (or HUB_ADMIN_PASSWORD)');
  const api = new HubApi(options.api);
  await api.login(options.username, options.password);
  const count = options.count ?? 3;
  console.log(
    `Registering ${count} watches and pendants (${options.protocols.join(', ')}) on ${options.api} …`,
  );
  const credentials = await provisionWatches(api, {
    count,
    protocols: options.protocols,
    random: createRandom(options.seed),
    onDevice: (line) => console.log(line),
  });
  await saveCredentials(options.credentialsFile, credentials);
  console.log(`Saved the device ids to ${options.credentialsFile}`);
  return credentials;
}

export async function runWatches(options: WatchRunOptions): Promise<number> {
  let devices = watchDevicesOf(await credentialsFor(options));
  if (options.count !== undefined) devices = devices.slice(0, options.count);
  const plan = options.scenarios.map((spec) => parseWatchScenario(spec, devices.length));
  const missing = [...new Set(devices.map((device) => device.protocol))].filter(
    (protocol) => !options.ports[protocol],
  );
  if (missing.length > 0) {
    throw new ScenarioError(
      `no port for ${missing.join(', ')}: pass --watch-${missing[0]}-port (the hub's HUB_WATCH_${missing[0]?.toUpperCase()}_PORT)`,
    );
  }
  const fleet = new WatchFleet({
    devices,
    host: options.host,
    ports: options.ports,
    linkIntervalMs: options.linkIntervalMs,
    positionIntervalMs: options.linkIntervalMs * 5,
    heartRateIntervalMs: options.linkIntervalMs * 2,
    alarmRepeatMs: options.alarmRepeatMs,
    log: (line) => console.log(line),
  });
  console.log(`Connecting ${devices.length} watches and pendants to ${options.host} …`);
  const started = await fleet.start();
  for (const failure of started.failed.slice(0, 5)) console.log(`  ✗ ${failure.id}: ${failure.reason}`);
  if (started.connected === 0) {
    await fleet.stop();
    console.error('No watch could log in.');
    return 1;
  }
  fleet.devices.forEach((device, index) => {
    console.log(`  #${index} ${device.id} (${device.speaker.deviceType})`);
  });
  for (const scenario of plan)
    console.log(`  scheduled at ${scenario.atMs / 1000} s: ${scenario.action} #${scenario.device}`);
  const cancel = fleet.play(plan);
  const report = () => {
    const stats = fleet.stats();
    console.log(
      `${stats.connected}/${stats.devices} connected · sent ${stats.sent} · links answered ${stats.linksAnswered}/${stats.links} · ` +
        `alarms ${stats.alarms}: answered ${stats.alarmsAnswered}, unanswered ${stats.alarmsUnanswered}, repeats ${stats.alarmRepeats}; commands confirmed ${stats.commands}`,
    );
  };
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    if (options.durationMs !== undefined) setTimeout(done, options.durationMs);
    if (options.interactive) {
      const actions = Object.keys(watchScenarioActions).join(', ');
      console.log(`Type "<action> <device>" (${actions}), "status", or "quit".`);
      const input = createInterface({ input: process.stdin });
      input.on('line', (line) => {
        const [word = '', index = ''] = line.trim().split(/\s+/);
        if (word === 'quit' || word === 'exit') {
          input.close();
          done();
        } else if (word === 'status') report();
        else if (word !== '') {
          try {
            const scenario = parseWatchScenario(`${word}:${index}`, fleet.devices.length);
            fleet.apply(scenario).catch((error: unknown) => console.log(`✗ ${(error as Error).message}`));
          } catch (error) {
            console.log(`✗ ${(error as Error).message}`);
          }
        }
      });
    }
  });
  cancel();
  await fleet.stop();
  report();
  return 0;
}
