/**
 * `npm run demo`: the whole hub on a laptop in one command. Starts the hub with its embedded
 * stores in data/demo, seeds eight demo retirees and their devices the first time, and plays them
 * with a script (an SOS within half a minute, a heart-rate excursion, then something every few
 * minutes). Ctrl-C stops the simulator first, so its devices say goodbye, then the hub.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Credentials, loadCredentials, saveCredentials } from './credentials.ts';
import { Fleet } from './fleet.ts';
import { freePort } from './ports.ts';
import { ApiError, HubApi, missingDevices, provision } from './provision.ts';
import { demoPlan } from './scenarios.ts';
import { describeCommand, ignoreClosedOutput, runSession } from './session.ts';
import { createRandom } from './vitals.ts';
import { demoWatchPlan, WatchFleet } from './watches/fleet.ts';
import { provisionWatches } from './watches/provision.ts';
import { watchDevicesOf } from './watches/run.ts';

const DEMO_RETIREES = 8;
const DEMO_SEED = 2839;
const root = fileURLToPath(new URL('..', import.meta.url));

function portFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`${name} must be a port number 1–65535 for the demo, got "${raw}"`);
    process.exit(2);
  }
  return port;
}

const httpPort = portFrom('HUB_HTTP_PORT', 8080);
const mqttPort = portFrom('HUB_MQTT_PORT', 1883);
const password = process.env.HUB_ADMIN_PASSWORD || 'junxiu-demo-2026';
const dataDir = path.resolve(root, process.env.HUB_DATA_DIR || 'data/demo');
const logFile = path.join(dataDir, 'hub.log');
const credentialsFile = path.join(dataDir, 'credentials.json');
const watchCredentialsFile = path.join(dataDir, 'watches.json');
/** Watches and pendants per protocol (3G, IW, JT/T 808), bound to the first demo retirees. */
const DEMO_WATCHES_PER_PROTOCOL = 2;
const apiUrl = `http://127.0.0.1:${httpPort}`;
const brokerUrl = `mqtt://127.0.0.1:${mqttPort}`;

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

type WatchPorts = { '3g': number; iw: number; jt808: number };

/** The watch listeners' ports: HUB_WATCH_*_PORT when set, else free ones. */
async function watchPorts(): Promise<WatchPorts> {
  return {
    '3g': portFrom('HUB_WATCH_3G_PORT', await freePort()),
    iw: portFrom('HUB_WATCH_IW_PORT', await freePort()),
    jt808: portFrom('HUB_WATCH_JT808_PORT', await freePort()),
  };
}

function startHub(ports: WatchPorts): ChildProcess {
  mkdirSync(dataDir, { recursive: true });
  const log = openSync(logFile, 'a');
  return spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      HUB_DATA_DIR: dataDir,
      HUB_HTTP_PORT: String(httpPort),
      HUB_MQTT_PORT: String(mqttPort),
      // The demo's watches and pendants speak their makers' protocols on loopback.
      HUB_WATCH_HOST: '127.0.0.1',
      HUB_WATCH_3G_PORT: String(ports['3g']),
      HUB_WATCH_IW_PORT: String(ports.iw),
      HUB_WATCH_JT808_PORT: String(ports.jt808),
      HUB_ADMIN_PASSWORD: password,
      // The demo signs in as admin with a password to set up its devices; a real hub asks admins for
      // a TOTP code (HUB_ADMIN_TOTP_REQUIRED, on by default).
      HUB_ADMIN_TOTP_REQUIRED: process.env.HUB_ADMIN_TOTP_REQUIRED ?? 'false',
    },
    stdio: ['ignore', log, log],
    // Its own process group: Ctrl-C reaches the demo only, which stops the simulator first.
    detached: true,
  });
}

async function waitForHub(api: HubApi, hub: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hub.exitCode !== null || hub.signalCode !== null) {
      const log = tail(logFile);
      const hint = log.includes('EADDRINUSE')
        ? '\nA port is taken: choose others, e.g. HUB_HTTP_PORT=18181 HUB_MQTT_PORT=18883 npm run demo'
        : '';
      throw new Error(
        `the hub stopped (exit ${hub.exitCode ?? hub.signalCode}). Last lines of ${logFile}:\n${log}${hint}`,
      );
    }
    if (await api.health()) return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`the hub did not answer ${apiUrl}/healthz within ${timeoutMs / 1000} s; see ${logFile}`);
}

function stopHub(hub: ChildProcess): Promise<void> {
  if (hub.exitCode !== null || hub.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => hub.kill('SIGKILL'), 10_000);
    hub.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    hub.kill('SIGINT');
  });
}

async function demoCredentials(api: HubApi): Promise<Credentials> {
  if (existsSync(credentialsFile)) {
    const saved = await loadCredentials(credentialsFile);
    const missing = await missingDevices(api, saved);
    if (saved.retirees.length > 0 && missing.length === 0) {
      console.log(`Re-using the ${saved.retirees.length} demo retirees of ${credentialsFile}`);
      return saved;
    }
    console.log(`${missing.length} saved demo devices are unknown to the hub; creating new demo retirees.`);
  }
  console.log(`Creating ${DEMO_RETIREES} demo retirees with their devices …`);
  const credentials = await provision(api, {
    count: DEMO_RETIREES,
    random: createRandom(DEMO_SEED),
    onRetiree: (name, index) => console.log(`  #${index} ${name}`),
  });
  await saveCredentials(credentialsFile, credentials);
  return credentials;
}

/** The demo's watches and pendants: those of watches.json while the hub knows them, else new ones. */
async function demoWatches(api: HubApi, credentials: Credentials): Promise<Credentials> {
  if (existsSync(watchCredentialsFile)) {
    const saved = await loadCredentials(watchCredentialsFile);
    if (saved.retirees.length > 0 && (await missingDevices(api, saved)).length === 0) return saved;
  }
  const count = DEMO_WATCHES_PER_PROTOCOL * 3;
  console.log(`Registering ${count} demo watches and pendants (3G, IW, JT/T 808) …`);
  const watches = await provisionWatches(api, {
    count,
    protocols: ['3g', 'iw', 'jt808'],
    random: createRandom(DEMO_SEED),
    retirees: credentials.retirees,
    onDevice: (line) => console.log(line),
  });
  await saveCredentials(watchCredentialsFile, watches);
  return watches;
}

function banner(ports: WatchPorts): string {
  const lines = [
    'Junxiu Hub 军休智慧监护平台 — demo is running',
    '',
    `  Dashboard   http://127.0.0.1:${httpPort}/`,
    `  Login       admin / ${password}   (two-step verification is off in the demo only)`,
    `  API docs    http://127.0.0.1:${httpPort}/docs`,
    `  MQTT        ${brokerUrl}`,
    `  Watches     TCP 127.0.0.1: 3G ${ports['3g']}, IW ${ports.iw}, JT/T 808 ${ports.jt808}`,
    `  Hub log     ${path.relative(process.cwd(), logFile) || logFile}`,
    '',
    '  An SOS arrives within ~30 s, a high heart rate a minute later,',
    '  then something every few minutes. Type "help" for commands; Ctrl-C stops.',
  ];
  const width = Math.max(...lines.map((line) => displayWidth(line))) + 2;
  const rule = '═'.repeat(width + 2);
  return [
    `╔${rule}╗`,
    ...lines.map((line) => `║ ${line}${' '.repeat(width - displayWidth(line))} ║`),
    `╚${rule}╝`,
  ].join('\n');
}

/** Terminal columns: CJK characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += /[\u2e80-\u9fff\uff00-\uffef]/.test(char) ? 2 : 1;
  return width;
}

async function main(): Promise<number> {
  console.log(`Starting the hub (data in ${dataDir}, log in ${logFile}) …`);
  const ports = await watchPorts();
  const hub = startHub(ports);
  const api = new HubApi(apiUrl);
  process.on('exit', () => {
    if (hub.exitCode === null && hub.signalCode === null) hub.kill('SIGKILL');
  });
  // Until the session takes over, Ctrl-C stops the hub and leaves.
  const early = () => {
    void stopHub(hub).then(() => process.exit(130));
  };
  const earlySignals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of earlySignals) process.on(signal, early);
  ignoreClosedOutput();

  try {
    await waitForHub(api, hub, 90_000);
    try {
      await api.login('admin', password);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        throw new Error(
          `the hub refused admin / ${password}. Its admin was created earlier with another password: ` +
            `set HUB_ADMIN_PASSWORD to it, or delete ${dataDir} to start afresh.`,
        );
      }
      throw error;
    }
    const credentials = await demoCredentials(api);

    let print: (line: string) => void = (line) => console.log(line);
    const fleet = new Fleet({
      brokerUrl,
      credentials,
      intervalMs: 3000,
      seed: DEMO_SEED,
      log: (line) => print(line),
      onCommand: (received) => print(describeCommand(received)),
    });
    const started = await fleet.start();
    if (started.connected === 0) {
      throw new Error(
        `no demo device could connect to ${brokerUrl}: ${started.failed[0]?.reason ?? 'unknown'}`,
      );
    }
    const watchFleet = new WatchFleet({
      devices: watchDevicesOf(await demoWatches(api, credentials)),
      host: '127.0.0.1',
      ports,
      linkIntervalMs: 30_000,
      positionIntervalMs: 120_000,
      heartRateIntervalMs: 60_000,
      alarmRepeatMs: 20_000,
      log: (line) => print(line),
    });
    const watchesStarted = await watchFleet.start();
    for (const failure of watchesStarted.failed) console.log(`  ✗ ${failure.id}: ${failure.reason}`);
    const stopWatchPlan = watchFleet.play(
      demoWatchPlan(watchFleet.devices, createRandom((Date.now() >> 16) & 0xffff)),
    );
    for (const signal of earlySignals) process.off(signal, early);

    console.log(`\n${banner(ports)}\n`);
    const hubExit = () => {
      print(`✗ the hub stopped unexpectedly; last lines of ${logFile}:\n${tail(logFile)}`);
      process.kill(process.pid, 'SIGTERM');
    };
    hub.once('exit', hubExit);
    await runSession({
      fleet,
      plan: demoPlan(credentials.retirees.length, createRandom(Date.now() & 0xffff)),
      interactive: true,
      onReady: (printer) => {
        print = printer;
      },
      onStopping: () => {
        hub.off('exit', hubExit);
        stopWatchPlan();
      },
    });
    await watchFleet.stop();
  } catch (error) {
    console.error(`demo: ${(error as Error).message}`);
    await stopHub(hub);
    return 1;
  }
  console.log('Stopping the hub …');
  await stopHub(hub);
  console.log('Stopped.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
