/**
 * Registers simulated watches and pendants through the hub's API, under their protocol's type and
 * the id their frames carry: a 10-digit id (3G), a 15-digit IMEI (IW), an 11-digit terminal phone
 * number (JT/T 808). Each is bound to a retiree: an existing one, or one created here. These
 * protocols carry no secret, so the credentials file holds ids and types only.
 */
import { randomInt } from 'node:crypto';
import type { WatchProtocolName } from '../../devices/watches/types.ts';
import type { Credentials, SimulatedRetiree } from '../credentials.ts';
import { createRetirees } from '../people.ts';
import type { HubApi } from '../provision.ts';
import type { Random } from '../vitals.ts';

/** The hub's device type of each protocol (devices/definitions/maker-protocols.ts). */
export const WATCH_TYPE_OF: Record<WatchProtocolName, string> = {
  '3g': 'watch.3g',
  iw: 'watch.iw',
  jt808: 'pendant.jt808',
};
const LABEL_OF: Record<WatchProtocolName, string> = {
  '3g': '4G 定位手表',
  iw: '4G 定位手表',
  jt808: '4G 一键报警器',
};

/**
 * The id device `index` of a run reports, by protocol. `batch` (0–99,999) keeps runs apart: two
 * provisionings do not collide on an id.
 */
export function watchId(protocol: WatchProtocolName, batch: number, index: number): string {
  const serial = `${String(batch).padStart(5, '0')}${String(index).padStart(4, '0')}`;
  if (protocol === '3g') return `8${serial}`;
  // 35 (a GSMA reporting body), then the serial, then digits to fifteen.
  if (protocol === 'iw') return `35${serial}0000`;
  return `14${serial}`;
}

/** `3g,iw,jt808` → protocols in turn: device `index` speaks `protocols[index % length]`. */
export function protocolAt(protocols: readonly WatchProtocolName[], index: number): WatchProtocolName {
  return protocols[index % protocols.length] ?? '3g';
}

export interface WatchProvisionOptions {
  count: number;
  protocols: readonly WatchProtocolName[];
  random: Random;
  /** Bind device i to retiree i of these instead of creating retirees. */
  retirees?: readonly { retireeId?: string; name: string }[];
  onDevice?: (line: string) => void;
}

/** Creates the devices (and, without `retirees`, a retiree each); returns the credentials to save. */
export async function provisionWatches(api: HubApi, options: WatchProvisionOptions): Promise<Credentials> {
  const batch = randomInt(100_000);
  const people = options.retirees ? [] : createRetirees(options.count, options.random);
  const credentials: Credentials = {
    version: 1,
    api: api.baseUrl,
    createdAt: new Date().toISOString(),
    retirees: [],
  };
  for (let index = 0; index < options.count; index += 1) {
    const protocol = protocolAt(options.protocols, index);
    let owner: { retireeId?: string; name: string };
    const given = options.retirees?.[index % Math.max(1, options.retirees.length)];
    if (given) owner = given;
    else {
      const person = people[index];
      if (!person) throw new Error(`no person drawn for device ${index}`);
      const retiree = await api.createRetiree(person);
      owner = { retireeId: retiree.id, name: retiree.name };
    }
    const created = await api.createDevice({
      id: watchId(protocol, batch, index),
      type: WATCH_TYPE_OF[protocol],
      retireeId: owner.retireeId ?? null,
      label: LABEL_OF[protocol],
    });
    const retiree: SimulatedRetiree = {
      ...(owner.retireeId ? { retireeId: owner.retireeId } : {}),
      name: owner.name,
      devices: [{ id: created.device.id, type: created.device.type, label: LABEL_OF[protocol] }],
    };
    credentials.retirees.push(retiree);
    options.onDevice?.(`  #${index} ${owner.name}: ${created.device.id} (${WATCH_TYPE_OF[protocol]})`);
  }
  return credentials;
}
