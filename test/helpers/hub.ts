/**
 * A whole hub for a test: temporary data folder, ports picked by the OS, silent logs, an admin
 * signed in. Everything is real: PGlite (or the PostgreSQL server given), the broker on TCP, HTTP.
 */
import https from 'node:https';
import mqtt, { type IClientOptions, type IConnackPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { createLogger, type Hub, startHub } from '../../server/hub.ts';
import type { Alert, CreatedDevice, Retiree, RetireeInput } from '../../server/schemas/index.ts';
import { makeTempDir, type TempDir } from './tmp.ts';

export const ADMIN_PASSWORD = 'admin-test-password';

export interface TestHub {
  hub: Hub;
  url: string;
  mqttUrl: string;
  token: string;
  dataDir: TempDir;
  api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    token?: string | null,
  ): Promise<{ status: number; body: T }>;
  addRetiree(input?: Partial<RetireeInput>): Promise<Retiree>;
  /** A retiree of `station` registered through the archive (团级, born 1940-03-01); resolves with the id. */
  addArchiveRetiree(name: string, station: string, extra?: Record<string, unknown>): Promise<string>;
  addDevice(type: string, retireeId: string | null, id?: string): Promise<CreatedDevice>;
  connectDevice(created: CreatedDevice, options?: IClientOptions): Promise<MqttClient>;
  /** A staff account of `role`, signed in; a caseworker given a station sees that station only. */
  addStaff(username: string, role: string, station?: string): Promise<{ id: string; token: string }>;
  /** A family account for the retiree's first contact, signed in; resolves with its token. */
  addFamily(retiree: Retiree, username: string, displayName?: string): Promise<string>;
  /** Stops the hub; `keepData` leaves the data folder for a hub started after it. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

let sequence = 0;

/**
 * One API call with an optional bearer token; the body is sent as JSON (a string as it is) and the
 * answer parsed as JSON when it is (`/metrics` stays text).
 */
export async function call<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string | null,
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (e.g. /metrics)
  }
  return { status: response.status, body: parsed as T };
}

/**
 * `call` over HTTPS to a hub with a certificate of its own, trusting `ca` for it; the answer parsed
 * as JSON when it is.
 */
export function callHttps<T = unknown>(
  baseUrl: string,
  ca: Buffer,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: T }> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      `${baseUrl}${path}`,
      {
        method,
        ca,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON (e.g. /metrics)
          }
          resolve({ status: response.statusCode ?? 0, body: parsed as T });
        });
      },
    );
    request.on('error', reject);
    request.end(body !== undefined ? JSON.stringify(body) : undefined);
  });
}

/**
 * One call with a body of bytes (a file, a multipart form) and a bearer token; the answer as bytes,
 * and parsed as JSON when it is (a download stays bytes only).
 */
export async function callBytes(
  baseUrl: string,
  method: string,
  path: string,
  body: Buffer | undefined,
  contentType: string | undefined,
  token: string,
): Promise<{ status: number; headers: Headers; bytes: Buffer; json: unknown }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (contentType) headers['content-type'] = contentType;
  const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body ? { body } : {}) });
  const bytes = Buffer.from(await response.arrayBuffer());
  let json: unknown = null;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    // not JSON (a download)
  }
  return { status: response.status, headers: response.headers, bytes, json };
}

/**
 * An MQTT client that signs in as the device (client id and username its id, its secret), not
 * reconnecting unless `options` say so; listeners can be added before it connects.
 */
export function deviceClient(
  mqttUrl: string,
  created: CreatedDevice,
  options: IClientOptions = {},
): MqttClient {
  return mqtt.connect(mqttUrl, {
    clientId: created.device.id,
    username: created.device.id,
    password: created.secret,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...options,
  });
}

/** Resolves with the CONNACK once the client is connected; rejects on its first error. */
export function connected(client: MqttClient): Promise<IConnackPacket> {
  return new Promise((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
}

/**
 * The CONNACK's code for one CONNECT: 0 when accepted, else the refusal's (mqtt.js turns a refusal
 * into an error carrying it), -1 when no CONNACK came. MQTT 3.1.1 unless `options` say otherwise
 * (MQTT 5 answers with a reason code); the client is closed after.
 */
export function connackCode(url: string, options: IClientOptions): Promise<number> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, {
      reconnectPeriod: 0,
      connectTimeout: 5000,
      protocolVersion: 4,
      ...options,
    });
    const done = (code: number) => {
      client.end(true);
      resolve(code);
    };
    client.once('connect', (packet) => done(packet.returnCode ?? packet.reasonCode ?? 0));
    client.once('error', (error) => done((error as { code?: number }).code ?? -1));
  });
}

/** One sample of `/metrics` by its whole name and labels (`hub_mqtt_clients`, `x{reason="y"}`); 0 when absent. */
export async function metricValue(
  hub: { api<T>(method: string, path: string): Promise<{ body: T }> },
  line: string,
): Promise<number> {
  const text = (await hub.api<string>('GET', '/metrics')).body;
  const found = text.split('\n').find((entry) => entry.startsWith(`${line} `));
  return found ? Number(found.slice(line.length).trim()) : 0;
}

/** A retiree as a test registers one: valid in every field the API checks. */
export function retireeInput(name = '测试老人'): RetireeInput {
  return {
    name,
    gender: 'male',
    birthDate: '1938-05-01',
    address: '成都市武侯区芳草街1号',
    bloodType: 'A',
    medicalHistory: '高血压',
    contacts: [{ name: '家属', relation: '女儿', phone: '13800000000' }],
  };
}

export async function startTestHub(
  env: Record<string, string> = {},
  options: { dataDir?: TempDir; logger?: Logger } = {},
): Promise<TestHub> {
  const dataDir = options.dataDir ?? (await makeTempDir('junxiu-hub-'));
  const config = loadConfig({
    HUB_DATA_DIR: dataDir.path,
    HUB_HTTP_PORT: '0',
    HUB_HTTP_HOST: '127.0.0.1',
    HUB_MQTT_PORT: '0',
    HUB_MQTT_HOST: '127.0.0.1',
    HUB_ADMIN_PASSWORD: ADMIN_PASSWORD,
    // Suites sign in as admin with the password alone; test/auth turns the TOTP requirement on.
    HUB_ADMIN_TOTP_REQUIRED: 'false',
    HUB_TELEMETRY_FLUSH_MS: '100',
    HUB_LOG_LEVEL: process.env.HUB_TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const hub = await startHub(config, options.logger ?? createLogger(config.logLevel));
  const clients: MqttClient[] = [];

  async function api<T>(method: string, path: string, body?: unknown, token?: string | null) {
    return call<T>(hub.url, method, path, body, token === undefined ? session : token);
  }

  let session: string | null = null;
  const login = await api<{ token: string }>('POST', '/api/auth/login', {
    username: 'admin',
    password: ADMIN_PASSWORD,
  });
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status}`);
  session = login.body.token;

  const testHub: TestHub = {
    hub,
    url: hub.url,
    mqttUrl: `mqtt://127.0.0.1:${hub.mqttPort}`,
    token: session,
    dataDir,
    api,
    async addRetiree(input = {}) {
      sequence += 1;
      const response = await api<Retiree>('POST', '/api/retirees', {
        ...retireeInput(`测试老人${sequence}`),
        ...input,
      });
      if (response.status !== 201) throw new Error(`retiree not created: ${JSON.stringify(response.body)}`);
      return response.body;
    },
    async addArchiveRetiree(name, station, extra = {}) {
      const response = await api<{ id: string }>('POST', '/api/archive/retirees', {
        name,
        gender: 'male',
        birthDate: '1940-03-01',
        rank: '团级',
        station,
        ...extra,
      });
      if (response.status !== 201) throw new Error(`retiree not created: ${JSON.stringify(response.body)}`);
      return response.body.id;
    },
    async addDevice(type, retireeId, id) {
      sequence += 1;
      const response = await api<CreatedDevice>('POST', '/api/devices', {
        id: id ?? `dev-${sequence}-${Math.random().toString(36).slice(2, 8)}`,
        type,
        retireeId,
      });
      if (response.status !== 201) throw new Error(`device not created: ${JSON.stringify(response.body)}`);
      return response.body;
    },
    async addStaff(username, role, station) {
      const password = 'staff-password-1';
      const created = await api<{ id: string }>('POST', '/api/users', {
        username,
        displayName: `${username} 同志`,
        role,
        password,
        ...(station ? { station } : {}),
      });
      if (created.status !== 201) throw new Error(`staff not created: ${JSON.stringify(created.body)}`);
      const login = await api<{ token: string }>('POST', '/api/auth/login', { username, password }, null);
      return { id: created.body.id, token: login.body.token };
    },
    async addFamily(retiree, username, displayName = '家属') {
      const password = 'family-password-1';
      const created = await api('POST', `/api/retirees/${retiree.id}/family-accounts`, {
        username,
        password,
        displayName,
        contactId: retiree.contacts[0]?.id,
      });
      if (created.status !== 201)
        throw new Error(`family account not created: ${JSON.stringify(created.body)}`);
      const login = await api<{ token: string }>('POST', '/api/auth/login', { username, password }, null);
      return login.body.token;
    },
    async connectDevice(created, options = {}) {
      const client = deviceClient(testHub.mqttUrl, created, options);
      clients.push(client);
      await connected(client);
      return client;
    },
    async stop(stopOptions = {}) {
      await Promise.all(clients.map((client) => client.endAsync(true).catch(() => {})));
      await hub.stop();
      if (!stopOptions.keepData) await dataDir.remove();
    },
  };
  return testHub;
}

/**
 * Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`.
 * The default bound is generous, as for `expect.poll` (vitest.config.ts): a condition that is met
 * returns at once, and on a busy machine one may take seconds to be.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

export function publish(
  client: MqttClient,
  topic: string,
  payload: unknown,
  qos: 0 | 1 = 1,
  retain = false,
): Promise<void> {
  return client
    .publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos, retain })
    .then(() => {});
}

/** An SOS pressed on a new pendant of the retiree; resolves with the alert it opened. */
export async function pressSos(t: TestHub, retiree: Retiree, eventId: string): Promise<Alert> {
  const device = await t.addDevice('pendant.sos', retiree.id);
  const client = await t.connectDevice(device);
  await publish(client, `eldercare/v1/${device.device.id}/event`, { id: eventId, type: 'sos' });
  return eventually(async () => {
    const list = await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`);
    return list.body.find((alert) => alert.deviceId === device.device.id);
  });
}

/** The error the settings `env` are refused with; throws when they are accepted. */
export function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the settings were accepted');
}

/**
 * Two retirees of two stations, moved there through the archive: `东站老人` of 东站 and `西站老人`
 * of 西站; and `caseworker`, a caseworker of 东站 who sees that station only, signed in.
 */
export async function addStations(
  t: TestHub,
  caseworker: string,
): Promise<{ east: Retiree; west: Retiree; stationCaseworker: { id: string; token: string } }> {
  const east = await t.addRetiree({ name: '东站老人' });
  const west = await t.addRetiree({ name: '西站老人' });
  for (const [retiree, station] of [
    [east, '东站'],
    [west, '西站'],
  ] as const) {
    const moved = await t.api('PATCH', `/api/archive/retirees/${retiree.id}`, { station });
    if (moved.status !== 200) throw new Error(`retiree not moved: ${JSON.stringify(moved.body)}`);
  }
  const stationCaseworker = await t.addStaff(caseworker, 'caseworker', '东站');
  return { east, west, stationCaseworker };
}

/** One call that must answer `status`: resolves with the body; throws, with the answer, on any other. */
async function expectAnswer<T>(
  t: Pick<TestHub, 'api'>,
  method: string,
  path: string,
  body: unknown,
  token: string | null | undefined,
  status: number,
): Promise<T> {
  const answer = await t.api<T>(method, path, body, token);
  if (answer.status !== status) {
    throw new Error(
      `${method} ${path} answered ${answer.status}, not ${status}: ${JSON.stringify(answer.body)}`,
    );
  }
  return answer.body;
}

/** A POST that must create (201): resolves with what was made. */
export function created<T = unknown>(
  t: Pick<TestHub, 'api'>,
  path: string,
  body: unknown,
  token?: string | null,
): Promise<T> {
  return expectAnswer<T>(t, 'POST', path, body, token, 201);
}

/** A GET that must answer 200: resolves with the body. */
export function read<T = unknown>(t: Pick<TestHub, 'api'>, path: string, token?: string | null): Promise<T> {
  return expectAnswer<T>(t, 'GET', path, undefined, token, 200);
}
