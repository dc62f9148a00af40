/**
 * The hub as `npm start` runs it, in a process of its own, for tests that kill it (SIGKILL), ask it
 * to stop (SIGTERM) or start it again on the same data folder and ports.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { HUB_NODE_FLAGS } from '../../server/node-flags.ts';
import type { CreatedDevice } from '../../server/schemas/index.ts';
import { ADMIN_PASSWORD, call, eventually, retireeInput } from './hub.ts';

export interface HubProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  url: string;
  mqttUrl: string;
  /** What the hub wrote so far: its logs (HUB_LOG_LEVEL, default warn) and any crash report. */
  output(): string;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** A retiree registered through the API (fails the test when refused). */
  addRetiree(): Promise<{ id: string }>;
  /** A device registered through the API, with its secret. */
  addDevice(id: string, type: string, retireeId: string | null): Promise<CreatedDevice>;
  /** SIGKILL when still running; resolves once it is gone. */
  kill(): Promise<void>;
}

export interface HubProcessOptions {
  dataDir: string;
  httpPort: number;
  mqttPort: number;
  env?: Record<string, string>;
  /** How long the hub may take to answer /healthz (default 60 s). */
  startTimeoutMs?: number;
}

const root = join(import.meta.dirname, '..', '..');

export async function spawnHub(options: HubProcessOptions): Promise<HubProcess> {
  const child = spawn(process.execPath, [...HUB_NODE_FLAGS, '--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      HUB_DATA_DIR: options.dataDir,
      HUB_HTTP_PORT: String(options.httpPort),
      HUB_HTTP_HOST: '127.0.0.1',
      HUB_MQTT_PORT: String(options.mqttPort),
      HUB_MQTT_HOST: '127.0.0.1',
      HUB_ADMIN_PASSWORD: ADMIN_PASSWORD,
      HUB_ADMIN_TOTP_REQUIRED: 'false',
      HUB_LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  const keep = (chunk: Buffer) => {
    errors += chunk.toString();
    if (errors.length > 1_000_000) errors = errors.slice(-500_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  const url = `http://127.0.0.1:${options.httpPort}`;
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`hub exited with ${child.exitCode}: ${errors}`);
      const response = await fetch(`${url}/healthz`).catch(() => undefined);
      return response?.ok === true;
    }, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    await kill();
    throw error;
  }
  const login = await call<{ token: string }>(url, 'POST', '/api/auth/login', {
    username: 'admin',
    password: ADMIN_PASSWORD,
  });
  const token = login.body.token;
  const api = <T>(method: string, path: string, body?: unknown) => call<T>(url, method, path, body, token);
  let sequence = 0;
  async function addRetiree(): Promise<{ id: string }> {
    sequence += 1;
    const created = await api<{ id: string }>('POST', '/api/retirees', retireeInput(`测试老人${sequence}`));
    if (created.status !== 201) throw new Error(`retiree not created: ${JSON.stringify(created.body)}`);
    return created.body;
  }
  async function addDevice(id: string, type: string, retireeId: string | null): Promise<CreatedDevice> {
    const created = await api<CreatedDevice>('POST', '/api/devices', { id, type, retireeId });
    if (created.status !== 201) throw new Error(`device not created: ${JSON.stringify(created.body)}`);
    return created.body;
  }
  return {
    child,
    exited,
    url,
    mqttUrl: `mqtt://127.0.0.1:${options.mqttPort}`,
    output: () => errors,
    api,
    addRetiree,
    addDevice,
    kill,
  };
}
