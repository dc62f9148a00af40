/**
 * The hub as the cases use it: started in-process on loopback with a temporary data folder (or
 * reached at a URL when it runs in its own process), the admin signed in with a password, retirees
 * and devices registered through the API, each device with the secret the hub issued.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config.ts';
import { createLogger, type Hub, startHub } from '../../server/hub.ts';
import type { CreatedDevice } from '../../server/schemas/devices.ts';
import type { Retiree } from '../../server/schemas/retirees.ts';
import type { DeviceCredentials } from './raw-device.ts';

export const BENCH_ADMIN_PASSWORD = 'bench-admin-password';

/** Settings every bench hub shares; a case adds its own. */
export function benchEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    HUB_DATA_DIR: dataDir,
    HUB_HTTP_PORT: '0',
    HUB_HTTP_HOST: '127.0.0.1',
    HUB_MQTT_PORT: '0',
    HUB_MQTT_HOST: '127.0.0.1',
    HUB_ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
    HUB_LOG_LEVEL: 'silent',
    // The bench signs in with a password; a real hub asks its admins for a TOTP code too.
    HUB_ADMIN_TOTP_REQUIRED: 'false',
    ...extra,
  };
}

export class HubApi {
  private token = '';

  constructor(readonly url: string) {}

  get bearer(): string {
    return this.token;
  }

  async login(password = BENCH_ADMIN_PASSWORD): Promise<void> {
    const body = await this.call<{ token: string }>('POST', '/api/auth/login', {
      username: 'admin',
      password,
    });
    this.token = body.token;
  }

  async call<T>(method: string, route: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const response = await fetch(`${this.url}${route}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${route}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Text of /metrics. */
  async metrics(): Promise<string> {
    const response = await fetch(`${this.url}/metrics`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    return response.text();
  }

  async createRetirees(count: number, prefix: string): Promise<Retiree[]> {
    return inBatches(count, 8, (index) =>
      this.call<Retiree>('POST', '/api/retirees', {
        name: `${prefix}${index}`,
        gender: 'male',
        birthDate: '1938-05-01',
        address: '成都市武侯区芳草街1号',
        contacts: [{ name: '家属', relation: '女儿', phone: '13800000000' }],
      }),
    );
  }

  /** Registers `count` devices of `type` (bound to `retirees[i]` when given) and keeps their secrets. */
  async createDevices(
    count: number,
    type: string,
    prefix: string,
    retirees: readonly Retiree[] = [],
  ): Promise<DeviceCredentials[]> {
    return inBatches(count, 8, async (index) => {
      const created = await this.call<CreatedDevice>('POST', '/api/devices', {
        id: `${prefix}-${String(index).padStart(5, '0')}`,
        type,
        retireeId: retirees[index]?.id ?? null,
      });
      return { id: created.device.id, secret: created.secret };
    });
  }
}

/** Runs `make(0..count-1)` with `concurrency` calls in flight; results in index order. */
export async function inBatches<T>(count: number, concurrency: number, make: (index: number) => Promise<T>) {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await make(index);
      }
    }),
  );
  return results;
}

export interface BenchHub {
  hub: Hub;
  api: HubApi;
  stop(): Promise<void>;
}

/** A hub in this process, on loopback, with its own temporary data folder, the admin signed in. */
export async function startBenchHub(env: Record<string, string> = {}): Promise<BenchHub> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'junxiu-bench-'));
  const config = loadConfig(benchEnv(dataDir, env));
  const hub = await startHub(config, createLogger('silent'));
  const api = new HubApi(hub.url);
  try {
    await api.login();
  } catch (error) {
    await hub.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    hub,
    api,
    async stop() {
      await hub.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
