/**
 * `npm run simulate -- …`: plays N retirees' devices against any broker. The work is done in
 * fleet.ts, scenarios.ts, provision.ts and session.ts; this file reads the options and wires them.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { anonymousFleet, type Credentials, loadCredentials, saveCredentials } from './credentials.ts';
import { Fleet } from './fleet.ts';
import { HubApi, provision } from './provision.ts';
import { describeScenario, parseDuration, parseScenario, plan, type Scenario } from './scenarios.ts';
import { describeCommand, runSession } from './session.ts';
import { createRandom } from './vitals.ts';
import { DEFAULT_WATCH_CREDENTIALS, parseProtocols, runWatches } from './watches/run.ts';
import { DEFAULT_ZIGBEE_CREDENTIALS, runZigbee } from './zigbee/run.ts';

export const usage = `Junxiu Hub device simulator — plays retirees' watches, SOS pendants and home sensors
over MQTT (protocol eldercare/v1), with believable vitals and scripted or typed scenarios.

Usage: npm run simulate -- [options]

Connection
  --broker <url>         MQTT broker (default mqtt://127.0.0.1:1883; also ws://127.0.0.1:8080/mqtt)
  --credentials <file>   device ids and secrets to use; written by --provision
                         (default data/simulator/credentials.json)
  --count <n>            retirees to play (default: all in the credentials file, or 3)

Provisioning (creates retirees and their devices through the hub's API, saves the secrets)
  --provision            create --count retirees, each with a watch, a pendant and 4 home sensors
  --api <url>            the hub's HTTP API (default http://127.0.0.1:8080)
  --username <name>      (default admin)
  --password <password>  (default: $HUB_ADMIN_PASSWORD)

Run
  --interval <seconds>   between two watch readings (default 5)
  --duration <time>      stop after this long, e.g. 90s, 10m, 1h (default: until Ctrl-C or "quit")
  --scenario <spec>      repeatable: action:retiree[@time][+duration][:option]
                           sos:2@30s           retiree 2 presses SOS 30 s after start
                           fall:1@10s          retiree 1 falls (add :suspected for an unsure watch)
                           hr-high:0@5s        heart rate above range for 2 min (+3m for longer)
                           hr-low:0@5s+90s     heart rate below range for 90 s
                           offline:3@60s       retiree 3's watch drops without DISCONNECT (the will
                                               fires); +30s brings it back, :all drops every device
                           also: online, cancel, removed, service, test, smoke, water-leak, gas
  --seed <n>             reproducible vitals and people (default: random, printed at start)
  --qos <0|1>            QoS of telemetry (default 0; events and status are always QoS 1)
  --no-input             do not read commands from stdin
  -h, --help             this text

Zigbee2MQTT bridge (instead of the devices above)
  --zigbee               play a Zigbee2MQTT bridge with real sensor models (Tuya TS0215A_sos, Feibit
                         SEB01ZB, Heiman HS1EB, Tuya MIR-HE200-TY radar, Aqara leak/door/motion,
                         Heiman smoke); with --provision, registers the bridge and binds its sensors
                         to a new retiree (saved to data/simulator/zigbee.json)
  --bridge <id>          the bridge's device id (with --bridge-secret), instead of the saved file
  --bridge-secret <s>    its MQTT secret
  --base-topic <topic>   its base topic (default zigbee2mqtt)
  --scenario <name@time> with --zigbee: emergency, sos-pendant, button-single, fall, fall-clear, leak,
                         leak-clear, smoke, smoke-clear, door-open, door-close, motion, offline, online
                         e.g. --zigbee --scenario emergency@10s --scenario door-open@20s

Watches and pendants over TCP (instead of the devices above)
  --watches              play 4G watches and pendants on the hub's maker-protocol listeners: 3G
                         (watch.3g), IW (watch.iw), JT/T 808 (pendant.jt808); with --provision,
                         registers --count of them, each bound to a new retiree (saved to
                         data/simulator/watches.json)
  --protocols <list>     with --provision: 3g,iw,jt808 (default), devices take them in turn
  --watch-host <host>    the hub's watch listeners (default 127.0.0.1)
  --watch-3g-port <n>    its HUB_WATCH_3G_PORT; --watch-iw-port, --watch-jt808-port likewise
  --interval <seconds>   with --watches: between two links (LK, AP03, 0x0002; default 60)
  --alarm-repeat <s>     an unanswered alarm is sent again after this long (default 20)
  --scenario <spec>      with --watches: action:device[@time], action one of sos, fall, removed,
                         low-battery, walk (700 m away from home over 4 minutes)
                         e.g. --watches --scenario sos:0@10s --scenario walk:1@30s

While it runs, type a command and press Enter:
  sos 2 · fall 1 suspected · hr-high 0 · hr-low 0 3m · offline 3 · online 3 · status · help · quit

Examples
  npm run simulate -- --provision --count 8 --password junxiu-demo-2026
  npm run simulate -- --scenario sos:0@20s --scenario hr-high:1@1m --duration 5m
  npm run simulate -- --broker mqtt://127.0.0.1:1883 --count 200 --interval 1 --no-input   (load)
  npm run simulate -- --watches --provision --count 6 --password junxiu-demo-2026 \
      --watch-3g-port 7700 --watch-iw-port 7701 --watch-jt808-port 7702 --scenario sos:0@10s
`;

const DEFAULT_CREDENTIALS = 'data/simulator/credentials.json';

class UsageError extends Error {}

function positiveNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`--${name} must be a positive number, got "${raw}"`);
  return value;
}

function wholeNumber(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

function brokerUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--broker is not a URL: "${raw}"`);
  }
  if (!['mqtt:', 'mqtts:', 'tcp:', 'ws:', 'wss:'].includes(url.protocol)) {
    throw new UsageError(`--broker must be mqtt://, mqtts://, ws:// or wss://, got "${url.protocol}"`);
  }
  return raw;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      broker: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
      credentials: { type: 'string' },
      count: { type: 'string' },
      provision: { type: 'boolean', default: false },
      api: { type: 'string', default: 'http://127.0.0.1:8080' },
      username: { type: 'string', default: 'admin' },
      password: { type: 'string' },
      interval: { type: 'string' },
      duration: { type: 'string' },
      scenario: { type: 'string', multiple: true, default: [] },
      seed: { type: 'string' },
      qos: { type: 'string', default: '0' },
      'no-input': { type: 'boolean', default: false },
      zigbee: { type: 'boolean', default: false },
      bridge: { type: 'string' },
      'bridge-secret': { type: 'string' },
      'base-topic': { type: 'string' },
      watches: { type: 'boolean', default: false },
      protocols: { type: 'string', default: '3g,iw,jt808' },
      'watch-host': { type: 'string', default: '127.0.0.1' },
      'watch-3g-port': { type: 'string' },
      'watch-iw-port': { type: 'string' },
      'watch-jt808-port': { type: 'string' },
      'alarm-repeat': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }

  const broker = brokerUrl(values.broker);
  const intervalMs = Math.round(positiveNumber('interval', values.interval, 5) * 1000);
  const durationMs = values.duration === undefined ? undefined : parseDuration(values.duration);
  const seed = wholeNumber('seed', values.seed) ?? Math.floor(Math.random() * 1_000_000);
  const requested = wholeNumber('count', values.count);
  if (requested === 0) throw new UsageError('--count must be at least 1');
  if (values.qos !== '0' && values.qos !== '1') throw new UsageError('--qos must be 0 or 1');
  if (values.zigbee) {
    return runZigbee({
      broker,
      credentialsFile: values.credentials ?? DEFAULT_ZIGBEE_CREDENTIALS,
      provision: values.provision,
      api: values.api,
      username: values.username,
      password: values.password ?? process.env.HUB_ADMIN_PASSWORD,
      bridgeId: values.bridge,
      bridgeSecret: values['bridge-secret'],
      baseTopic: values['base-topic'],
      scenarios: values.scenario,
      durationMs,
      intervalMs: Math.round(positiveNumber('interval', values.interval, 60) * 1000),
      interactive: !values['no-input'],
      seed,
    });
  }
  if (values.watches) {
    const port = (name: string) => {
      const value = wholeNumber(name, values[name as 'watch-3g-port']);
      if (value !== undefined && (value < 1 || value > 65535))
        throw new UsageError(`--${name} must be 1–65535`);
      return value;
    };
    const ports = Object.fromEntries(
      (['3g', 'iw', 'jt808'] as const).flatMap((protocol) => {
        const value = port(`watch-${protocol}-port`);
        return value === undefined ? [] : [[protocol, value]];
      }),
    );
    return runWatches({
      credentialsFile: values.credentials ?? DEFAULT_WATCH_CREDENTIALS,
      provision: values.provision,
      count: requested,
      protocols: parseProtocols(values.protocols),
      api: values.api,
      username: values.username,
      password: values.password ?? process.env.HUB_ADMIN_PASSWORD,
      host: values['watch-host'],
      ports,
      scenarios: values.scenario,
      durationMs,
      linkIntervalMs: Math.round(positiveNumber('interval', values.interval, 60) * 1000),
      alarmRepeatMs: Math.round(positiveNumber('alarm-repeat', values['alarm-repeat'], 20) * 1000),
      interactive: !values['no-input'],
      seed,
    });
  }
  const credentialsFile = values.credentials ?? DEFAULT_CREDENTIALS;
  // Read before anything connects, so a typo costs nothing.
  const specs = values.scenario.map((spec) => parseScenario(spec));

  let credentials: Credentials;
  if (values.provision) {
    const password = values.password ?? process.env.HUB_ADMIN_PASSWORD;
    if (!password) throw new UsageError('--provision needs --password (or HUB_ADMIN_PASSWORD)');
    const api = new HubApi(values.api);
    await api.login(values.username, password);
    const count = requested ?? 3;
    console.log(`Provisioning ${count} retirees on ${values.api} …`);
    credentials = await provision(api, {
      count,
      random: createRandom(seed),
      onRetiree: (name, index) => console.log(`  #${index} ${name}`),
    });
    await saveCredentials(credentialsFile, credentials);
    console.log(`Saved device ids and secrets to ${credentialsFile}`);
  } else if (values.credentials !== undefined || existsSync(credentialsFile)) {
    credentials = await loadCredentials(credentialsFile);
    console.log(`Using retirees from ${credentialsFile}`);
  } else {
    credentials = anonymousFleet(requested ?? 3, ['wearable.watch', 'pendant.sos']);
    console.log(
      `No credentials file (${credentialsFile}): playing ${credentials.retirees.length} retirees with made-up ids ` +
        'and no passwords, which only a broker without authentication accepts. Use --provision for the hub.',
    );
  }
  if (requested !== undefined && requested < credentials.retirees.length) {
    credentials = { ...credentials, retirees: credentials.retirees.slice(0, requested) };
  } else if (requested !== undefined && requested > credentials.retirees.length) {
    throw new UsageError(
      `--count ${requested} but ${credentialsFile} has ${credentials.retirees.length} retirees; provision more with --provision`,
    );
  }

  const retirees = credentials.retirees.length;
  const beyond = specs.find((scenario) => scenario.retiree >= retirees);
  if (beyond)
    throw new UsageError(`--scenario ${describeScenario(beyond)}: there are retirees 0–${retirees - 1} only`);
  const scenarios: Scenario[] = plan(specs);
  let print: (line: string) => void = (line) => console.log(line);
  const fleet = new Fleet({
    brokerUrl: broker,
    credentials,
    intervalMs,
    seed,
    telemetryQos: values.qos === '1' ? 1 : 0,
    log: (line) => print(line),
    onCommand: (received) => print(describeCommand(received)),
  });

  console.log(
    `Connecting ${credentials.retirees.reduce((n, r) => n + r.devices.length, 0)} devices to ${broker} (seed ${seed}) …`,
  );
  const started = await fleet.start();
  // Refusals were reported as they happened; list the devices that got no answer at all.
  const silent = started.failed.filter((failure) => !failure.refused);
  for (const failure of silent.slice(0, 5)) console.log(`  ✗ ${failure.deviceId}: ${failure.reason}`);
  if (silent.length > 5) console.log(`  … and ${silent.length - 5} more`);
  if (started.connected === 0) {
    await fleet.stop();
    console.error(`No device could connect to ${broker}.`);
    return 1;
  }
  credentials.retirees.forEach((retiree, index) => {
    console.log(`  #${index} ${retiree.name}: ${retiree.devices.map((device) => device.id).join(', ')}`);
  });
  for (const scenario of scenarios)
    console.log(`  scheduled at ${scenario.atMs / 1000} s: ${describeScenario(scenario)}`);
  const interactive = !values['no-input'];
  if (interactive) console.log('Type "help" for commands, "quit" or Ctrl-C to stop.');

  await runSession({
    fleet,
    plan: scenarios,
    interactive,
    ...(durationMs !== undefined ? { durationMs } : {}),
    onReady: (printer) => {
      print = printer;
    },
  });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    const isUsage = error instanceof UsageError || (error instanceof Error && error.name === 'ScenarioError');
    console.error(`simulate: ${message}`);
    if (isUsage || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error('Run "npm run simulate -- --help" for the options.');
    }
    process.exit(isUsage ? 2 : 1);
  },
);
