/**
 * Provisioning through the hub's own API: log in, create retirees with their contacts, create
 * each one's watch, pendant and home sensors, and keep the secrets the hub shows once.
 */
import type { LoginResponse } from '../server/schemas/auth.ts';
import type { CreatedDevice, Device, DeviceInput } from '../server/schemas/devices.ts';
import type { Retiree, RetireeInput } from '../server/schemas/retirees.ts';
import { type Credentials, deviceId, newBatchId, type SimulatedDevice } from './credentials.ts';
import { hazardSensor, type SensorType } from './household.ts';
import { createRetirees } from './people.ts';
import type { Random } from './vitals.ts';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A small client for the parts of the hub's API the simulator needs. */
export class HubApi {
  private token: string | undefined;

  constructor(readonly baseUrl: string) {}

  async health(): Promise<boolean> {
    try {
      const response = await fetch(new URL('/healthz', this.baseUrl), { signal: AbortSignal.timeout(2000) });
      return response.ok;
    } catch {
      return false;
    }
  }

  async login(username: string, password: string): Promise<LoginResponse> {
    const result = await this.request<LoginResponse>('POST', '/api/auth/login', { username, password });
    this.token = result.token;
    return result;
  }

  createRetiree(input: RetireeInput): Promise<Retiree> {
    return this.request('POST', '/api/retirees', input);
  }

  createDevice(input: DeviceInput): Promise<CreatedDevice> {
    return this.request('POST', '/api/devices', input);
  }

  listDevices(): Promise<Device[]> {
    return this.request('GET', '/api/devices');
  }

  private async request<T>(method: string, route: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let response: Response;
    try {
      response = await fetch(new URL(route, this.baseUrl), {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new ApiError(
        0,
        'unreachable',
        `${method} ${route}: cannot reach ${this.baseUrl} (${(error as Error).message})`,
      );
    }
    const text = await response.text();
    let data: unknown;
    try {
      data = text === '' ? undefined : JSON.parse(text);
    } catch {
      data = undefined;
    }
    if (!response.ok) {
      const error = data as { error?: string; message?: string } | undefined;
      throw new ApiError(
        response.status,
        error?.error ?? 'http_error',
        `${method} ${route}: ${response.status} ${error?.message ?? text.slice(0, 200)}`,
      );
    }
    return data as T;
  }
}

interface DevicePlan {
  type: string;
  room?: string;
  label: string;
}

const sensorRooms: Record<SensorType, { room: string; label: string }> = {
  'sensor.door': { room: '入户门', label: '门磁' },
  'sensor.motion': { room: '客厅', label: '人体感应' },
  'sensor.bed': { room: '卧室', label: '床垫传感器' },
  'sensor.smoke': { room: '厨房', label: '烟感' },
  'sensor.water_leak': { room: '卫生间', label: '水浸' },
  'sensor.gas': { room: '厨房', label: '燃气报警器' },
};

/**
 * What each retiree gets: a watch and an SOS pendant; at home a door contact, a motion sensor and a
 * bed mat, and one hazard detector (smoke, water leak and gas in turn across the retirees).
 */
export function devicesFor(index: number): DevicePlan[] {
  const hazards = Object.values(hazardSensor);
  const hazard = hazards[index % hazards.length] ?? 'sensor.smoke';
  const sensors: SensorType[] = ['sensor.door', 'sensor.motion', 'sensor.bed', hazard];
  return [
    { type: 'wearable.watch', label: '智能手表' },
    { type: 'pendant.sos', label: '一键呼叫挂件' },
    ...sensors.map((type) => ({ type, ...sensorRooms[type] })),
  ];
}

export interface ProvisionOptions {
  count: number;
  random: Random;
  /** Told about each retiree as it is created. */
  onRetiree?: (name: string, index: number) => void;
}

/** Creates `count` retirees and their devices on a logged-in hub; returns the credentials to save. */
export async function provision(api: HubApi, options: ProvisionOptions): Promise<Credentials> {
  const batch = newBatchId();
  const people = createRetirees(options.count, options.random);
  const credentials: Credentials = {
    version: 1,
    api: api.baseUrl,
    createdAt: new Date().toISOString(),
    retirees: [],
  };
  for (const [index, person] of people.entries()) {
    const retiree = await api.createRetiree(person);
    const devices: SimulatedDevice[] = [];
    for (const plan of devicesFor(index)) {
      const input: DeviceInput = {
        id: deviceId(batch, index, plan.type),
        type: plan.type,
        retireeId: retiree.id,
        label: plan.label,
      };
      if (plan.room) input.room = plan.room;
      const created = await api.createDevice(input);
      devices.push({
        id: created.device.id,
        type: created.device.type,
        secret: created.secret,
        label: plan.label,
        ...(plan.room ? { room: plan.room } : {}),
      });
    }
    credentials.retirees.push({ retireeId: retiree.id, name: retiree.name, devices });
    options.onRetiree?.(retiree.name, index);
  }
  return credentials;
}

/** Ids in `credentials` that the hub does not know (deleted, or a different data folder). */
export async function missingDevices(api: HubApi, credentials: Credentials): Promise<string[]> {
  const known = new Set((await api.listDevices()).map((device) => device.id));
  return credentials.retirees
    .flatMap((retiree) => retiree.devices.map((device) => device.id))
    .filter((id) => !known.has(id));
}
