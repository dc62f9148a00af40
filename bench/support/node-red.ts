/**
 * The peer pipeline of the InfluxDB case: Node-RED with node-red-contrib-influxdb, headless on
 * loopback, running the flow a typical user builds for device telemetry: mqtt in → json → a
 * function that validates and shapes the reading → influxdb out, one write per point. Installed with
 * npm into a cache folder (`~/.cache/junxiu-bench/node-red`) on the first run.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { answers, freePort, makeTempDir } from '../../test/helpers/tmp.ts';

const run = promisify(execFile);
/** Node-RED 5 needs Node 22; the 4.1 line runs on the Node 20 the hub requires. */
export const NODE_RED_VERSION = '4.1.8';
export const INFLUXDB_NODES_VERSION = '0.7.0';

function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(os.homedir(), '.cache');
  return join(base, 'junxiu-bench', 'node-red');
}

/** The path of Node-RED's red.js, installed into the cache folder when missing. */
export async function ensureNodeRed(log: (line: string) => void): Promise<string> {
  const dir = cacheDir();
  const red = join(dir, 'node_modules', 'node-red', 'red.js');
  const nodes = join(dir, 'node_modules', 'node-red-contrib-influxdb', 'influxdb.js');
  if (existsSync(red) && existsSync(nodes)) return red;
  log(`  installing node-red@${NODE_RED_VERSION} and node-red-contrib-influxdb into ${dir} (once)…`);
  await mkdir(dir, { recursive: true });
  if (!existsSync(join(dir, 'package.json')))
    await writeFile(join(dir, 'package.json'), '{"private":true}\n');
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--omit=dev',
      `node-red@${NODE_RED_VERSION}`,
      `node-red-contrib-influxdb@${INFLUXDB_NODES_VERSION}`,
    ],
    { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
  );
  return red;
}

/**
 * The function node: the same checks as the hub's watch schema (devices/definitions/wearable-watch:
 * known keys only, ranges, integers where the schema says so), then [fields, tags] for influxdb out.
 */
const VALIDATE_AND_SHAPE = `
const p = msg.payload;
const deviceId = msg.topic.split('/')[2];
if (p === null || typeof p !== 'object' || Array.isArray(p)) { node.warn('not an object'); return null; }
const allowed = ['hr', 'spo2', 'steps', 'battery', 'worn', 'temperature', 'ts'];
for (const key of Object.keys(p)) if (!allowed.includes(key)) { node.warn('unknown field ' + key); return null; }
const integer = (v, min, max) => v === undefined || (Number.isInteger(v) && v >= min && v <= max);
const number = (v, min, max) => v === undefined || (typeof v === 'number' && isFinite(v) && v >= min && v <= max);
if (!integer(p.hr, 20, 250) || !number(p.spo2, 50, 100) || !integer(p.steps, 0, Number.MAX_SAFE_INTEGER) ||
    !number(p.battery, 0, 100) || !number(p.temperature, -1e9, 1e9) || !integer(p.ts, 0, Number.MAX_SAFE_INTEGER) ||
    (p.worn !== undefined && typeof p.worn !== 'boolean')) { node.warn('reading out of range'); return null; }
const fields = {};
for (const key of allowed) if (key !== 'ts' && p[key] !== undefined) fields[key] = p[key];
if (Object.keys(fields).length === 0) { node.warn('no readings'); return null; }
fields.time = new Date(p.ts === undefined ? Date.now() : p.ts);
msg.measurement = 'readings';
msg.payload = [fields, { device_id: deviceId, device_type: 'wearable.watch' }];
return msg;
`;

export interface NodeRedSettings {
  mqttPort: number;
  username: string;
  password: string;
  influxPort: number;
  database: string;
}

/** Node ids: Node-RED reads any property equal to another node's id as a reference to it. */
const ID = {
  tab: '9f1c0a7e52d40001',
  broker: '9f1c0a7e52d40002',
  influx: '9f1c0a7e52d40003',
  in: '9f1c0a7e52d40004',
  json: '9f1c0a7e52d40005',
  shape: '9f1c0a7e52d40006',
  out: '9f1c0a7e52d40007',
};

export function nodeRedFlows(settings: NodeRedSettings): unknown[] {
  return [
    { id: ID.tab, type: 'tab', label: 'telemetry to InfluxDB' },
    {
      id: ID.broker,
      type: 'mqtt-broker',
      name: 'mosquitto',
      broker: '127.0.0.1',
      port: String(settings.mqttPort),
      clientid: 'node-red-telemetry',
      usetls: false,
      protocolVersion: '4',
      keepalive: '60',
      cleansession: true,
      autoConnect: true,
    },
    {
      id: ID.influx,
      type: 'influxdb',
      hostname: '127.0.0.1',
      port: String(settings.influxPort),
      protocol: 'http',
      database: settings.database,
      name: 'influxdb',
      usetls: false,
      influxdbVersion: '1.x',
    },
    {
      id: ID.in,
      type: 'mqtt in',
      z: ID.tab,
      name: 'device telemetry',
      topic: 'eldercare/v1/+/telemetry',
      qos: '1',
      datatype: 'utf8',
      broker: ID.broker,
      nl: false,
      rap: false,
      inputs: 0,
      wires: [[ID.json]],
    },
    {
      id: ID.json,
      type: 'json',
      z: ID.tab,
      name: '',
      property: 'payload',
      action: 'obj',
      wires: [[ID.shape]],
    },
    {
      id: ID.shape,
      type: 'function',
      z: ID.tab,
      name: 'validate and shape',
      func: VALIDATE_AND_SHAPE,
      outputs: 1,
      wires: [[ID.out]],
    },
    {
      id: ID.out,
      type: 'influxdb out',
      z: ID.tab,
      influxdb: ID.influx,
      name: 'readings',
      measurement: 'readings',
      precision: 'ms',
      retentionPolicy: '',
      wires: [],
    },
  ];
}

export interface NodeRed {
  /** False once the process has exited on its own. */
  readonly running: boolean;
  /** Node-RED's log lines at info level and above (connections to the broker, warnings, errors). */
  log(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startNodeRed(red: string, settings: NodeRedSettings): Promise<NodeRed> {
  const dir = await makeTempDir('junxiu-node-red-');
  const port = await freePort();
  await writeFile(join(dir.path, 'flows.json'), JSON.stringify(nodeRedFlows(settings), null, 2));
  await writeFile(
    join(dir.path, 'flows_cred.json'),
    JSON.stringify({ [ID.broker]: { user: settings.username, password: settings.password } }),
  );
  await writeFile(
    join(dir.path, 'settings.js'),
    `module.exports = {
  uiHost: '127.0.0.1',
  uiPort: ${port},
  flowFile: 'flows.json',
  credentialSecret: false,
  disableEditor: true,
  logging: {
    console: { level: 'off' },
    file: {
      level: 'info',
      metrics: false,
      audit: false,
      handler: () => (entry) =>
        require('node:fs').appendFileSync(
          ${JSON.stringify(join(dir.path, 'node-red.log'))},
          new Date(entry.timestamp).toISOString() + ' ' + (entry.type ? '[' + entry.type + '] ' : '') + entry.msg + '\\n',
        ),
    },
  },
};
`,
  );
  // Its own output (a crash, an out-of-memory abort) goes to a file beside its log.
  const output = await open(join(dir.path, 'output.txt'), 'w');
  const child = spawn(
    process.execPath,
    [red, '--userDir', dir.path, '--settings', join(dir.path, 'settings.js')],
    {
      stdio: ['ignore', output.fd, output.fd],
    },
  );
  let exitCode: number | string | null = null;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? signal;
      resolve();
    }),
  );
  const readOutput = async () =>
    (await readFile(join(dir.path, 'output.txt'), 'utf8').catch(() => '')).slice(-2000);
  const deadline = Date.now() + 60_000;
  while (!(await answers(`http://127.0.0.1:${port}/settings`))) {
    if (exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      const text = await readOutput();
      await output.close();
      await dir.remove();
      throw new Error(
        `Node-RED did not start (${exitCode !== null ? `exit ${exitCode}` : 'no answer in 60 s'}):\n${text}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    get running() {
      return exitCode === null;
    },
    async log() {
      const text = await readFile(join(dir.path, 'node-red.log'), 'utf8').catch(() => '');
      const lines = text.split('\n').filter(Boolean);
      if (exitCode !== null) lines.push(`exited (${exitCode}): ${await readOutput()}`);
      return lines;
    },
    async stop() {
      if (exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      await output.close();
      await dir.remove();
    },
  };
}
