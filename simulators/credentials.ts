/**
 * The credentials file: which retirees the simulator plays, their devices, and each device's
 * secret (shown once by the hub when the device was created). Written by `--provision`, read by
 * every later run. It holds secrets, so it is written readable by its owner only.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { DEVICE_ID_PATTERN } from '../devices/contract.ts';

export const SimulatedDeviceSchema = Type.Object({
  id: Type.String({ pattern: DEVICE_ID_PATTERN.source }),
  type: Type.String({ minLength: 1 }),
  secret: Type.Optional(Type.String()),
  room: Type.Optional(Type.String()),
  label: Type.Optional(Type.String()),
});
export type SimulatedDevice = Static<typeof SimulatedDeviceSchema>;

export const SimulatedRetireeSchema = Type.Object({
  retireeId: Type.Optional(Type.String()),
  name: Type.String(),
  devices: Type.Array(SimulatedDeviceSchema),
});
export type SimulatedRetiree = Static<typeof SimulatedRetireeSchema>;

export const CredentialsSchema = Type.Object({
  version: Type.Literal(1),
  api: Type.Optional(Type.String()),
  createdAt: Type.String(),
  retirees: Type.Array(SimulatedRetireeSchema),
});
export type Credentials = Static<typeof CredentialsSchema>;

export class CredentialsError extends Error {
  override name = 'CredentialsError';
}

export async function loadCredentials(file: string): Promise<Credentials> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CredentialsError(`cannot read credentials file ${file}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new CredentialsError(`${file} is not JSON`);
  }
  if (!Value.Check(CredentialsSchema, data)) {
    const first = Value.Errors(CredentialsSchema, data).First();
    throw new CredentialsError(
      `${file} is not a credentials file: ${first?.path ?? ''} ${first?.message ?? ''}`,
    );
  }
  return data;
}

export async function saveCredentials(file: string, credentials: Credentials): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
}

/** The devices a retiree has when nothing was provisioned: ids only, for a broker without auth. */
export function anonymousFleet(count: number, types: readonly string[]): Credentials {
  const batch = newBatchId();
  return {
    version: 1,
    createdAt: new Date().toISOString(),
    retirees: Array.from({ length: count }, (_, index) => ({
      name: `模拟老人${index + 1}`,
      devices: types.map((type) => ({ id: deviceId(batch, index, type), type })),
    })),
  };
}

/** A short random tag shared by one provisioning run's device ids, so reruns never collide. */
export function newBatchId(): string {
  return randomBytes(4).readUInt32BE(0).toString(36).padStart(6, '0').slice(0, 6);
}

/** Short names in device ids: `sim-k3f9a2-02-watch`, `…-pendant`, `…-door`. */
const idNames: Record<string, string> = { 'wearable.watch': 'watch', 'pendant.sos': 'pendant' };

export function deviceId(batch: string, index: number, type: string): string {
  const kind = idNames[type] ?? type.split('.').pop() ?? type;
  return `sim-${batch}-${String(index).padStart(2, '0')}-${kind.replace(/_/g, '-')}`;
}
