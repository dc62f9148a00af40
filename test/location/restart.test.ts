/**
 * What the hub knows of where a retiree is outlives a restart: the latest fix, and the safe-zone
 * rule's count of fixes outside, so that the fix after a restart completes a departure begun before
 * it, and a departure reported before it is not reported again.
 */
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocationAnswer } from '../../server/location/schemas.ts';
import type { Alert } from '../../server/schemas/index.ts';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.ts';

const WATCH = '4700186533';
const HOME = { lat: 30.657, lon: 104.066 };
const PER_METRE = 1 / 111_195;
const ENV = { HUB_WATCH_3G_PORT: '0' };

function threeG(content: string): string {
  return `[3G*${WATCH}*${content.length.toString(16).toUpperCase().padStart(4, '0')}*${content}]`;
}

const pad = (value: number) => String(value).padStart(2, '0');

function ud(at: Date, metresNorth: number): string {
  const day = `${pad(at.getUTCDate())}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCFullYear() % 100)}`;
  const time = `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
  const lat = (HOME.lat + metresNorth * PER_METRE).toFixed(6);
  return threeG(
    `UD,${day},${time},A,${lat},N,${HOME.lon.toFixed(6)},E,0.5,000,500,08,80,70,1000,50,00000000,0,0,460,0,9520,3671,139,,00`,
  );
}

describe('location across a restart', () => {
  let t: TestHub | undefined;
  afterAll(() => t?.stop());
  // Whole seconds: a UD report carries no milliseconds.
  let at = Math.floor(Date.now() / 1000) * 1000 - 60 * 60_000;

  /** Sends a fix `metresNorth` of home over a new connection and waits until it is the latest. */
  async function report(hub: TestHub, retireeId: string, metresNorth: number): Promise<void> {
    at += 60_000;
    const socket = net.connect(hub.hub.watchPorts['3g'], '127.0.0.1');
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(ud(new Date(at), metresNorth));
    const fixedAt = new Date(at).toISOString();
    await eventually(
      async () =>
        (await hub.api<LocationAnswer>('GET', `/api/retirees/${retireeId}/location`)).body.location
          ?.fixedAt === fixedAt,
    );
    socket.destroy();
  }

  const wanders = async (hub: TestHub, retireeId: string) =>
    (await hub.api<Alert[]>('GET', `/api/alerts?retireeId=${retireeId}`)).body.filter(
      (alert) => alert.kind === 'wander',
    );

  it('keeps the latest fix and the count of fixes outside', async () => {
    t = await startTestHub(ENV);
    const retireeId = (await t.addRetiree()).id;
    await t.addDevice('watch.3g', retireeId, WATCH);
    await t.api('PUT', `/api/retirees/${retireeId}/safe-zone`, { ...HOME, radiusM: 200, reason: '' });
    await report(t, retireeId, 700);
    expect(await wanders(t, retireeId)).toHaveLength(0);

    await t.stop({ keepData: true });
    t = await startTestHub(ENV, { dataDir: t.dataDir });
    const kept = (await t.api<LocationAnswer>('GET', `/api/retirees/${retireeId}/location`)).body.location;
    expect(kept?.fixedAt).toBe(new Date(at).toISOString());

    // The second fix outside, the first after the restart: the retiree has left.
    await report(t, retireeId, 750);
    await eventually(async () => (await wanders(t as TestHub, retireeId)).length === 1);

    // Still outside after another restart: nothing more opens.
    await t.stop({ keepData: true });
    t = await startTestHub(ENV, { dataDir: t.dataDir });
    await report(t, retireeId, 800);
    await report(t, retireeId, 850);
    const alerts = await wanders(t, retireeId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.count).toBe(1);
  });
});
