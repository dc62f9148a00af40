/**
 * A device's battery level reaches the hub by two paths: its readings, stored in batches every few
 * seconds, and its status message, stored at once. The newest level is what staff see, whichever
 * path is written last.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../../server/schemas/index.ts';
import { eventually, publish, startTestHub, type TestHub } from '../helpers/hub.ts';

describe('device state ordered by time', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(() => t?.stop());

  async function shown(deviceId: string): Promise<Device | undefined> {
    return (await t.api<Device[]>('GET', '/api/devices')).body.find((device) => device.id === deviceId);
  }

  /** Resolves once the batch of latest readings holding `key` has been written to the records. */
  async function stored(deviceId: string, key: string): Promise<void> {
    await eventually(async () => {
      const [row] = await t.hub.db.query<{ latest: Record<string, unknown> }>(
        'select latest from devices where id = $1',
        [deviceId],
      );
      return row?.latest[key] !== undefined;
    }, 15_000);
  }

  it('keeps a newer status battery over an older reading written after it', async () => {
    const watch = await t.addDevice('wearable.watch', (await t.addRetiree()).id);
    const client = await t.connectDevice(watch);
    const base = `eldercare/v1/${watch.device.id}`;
    await publish(client, `${base}/telemetry`, { battery: 30, hr: 72 });
    await publish(client, `${base}/status`, { online: true, battery: 80 }, 1, true);
    await eventually(async () => (await shown(watch.device.id))?.battery === 80);
    // The batch holding the reading of 30 % is written after the status: it must not win.
    await stored(watch.device.id, 'hr');
    expect((await shown(watch.device.id))?.battery).toBe(80);

    // A newer reading does replace it: the battery drains.
    await publish(client, `${base}/telemetry`, { battery: 78, steps: 10 });
    await stored(watch.device.id, 'steps');
    expect((await shown(watch.device.id))?.battery).toBe(78);
  });

  it('keeps the newest reading when a device sends older ones from its memory, across a restart', async () => {
    const watch = await t.addDevice('wearable.watch', (await t.addRetiree()).id);
    const client = await t.connectDevice(watch);
    const topic = `eldercare/v1/${watch.device.id}/telemetry`;
    const now = Date.now();
    await publish(client, topic, { hr: 75, spo2: 97, ts: now });
    await publish(client, topic, { hr: 60, steps: 500, ts: now - 60_000 });
    await stored(watch.device.id, 'steps');
    const latestOf = async (hub: TestHub) => {
      const [row] = await hub.hub.db.query<{ latest: Record<string, { value: unknown; ts: number }> }>(
        'select latest from devices where id = $1',
        [watch.device.id],
      );
      return row?.latest;
    };
    expect(await latestOf(t)).toStrictEqual({
      hr: { value: 75, ts: now },
      spo2: { value: 97, ts: now },
      steps: { value: 500, ts: now - 60_000 },
    });
    await client.endAsync();

    // After a restart the hub still knows what is newest.
    await t.stop({ keepData: true });
    t = await startTestHub({}, { dataDir: t.dataDir });
    const again = await t.connectDevice(watch);
    await publish(again, topic, { hr: 58, worn: true, ts: now - 30_000 });
    await stored(watch.device.id, 'worn');
    expect(await latestOf(t)).toMatchObject({ hr: { value: 75, ts: now }, worn: { value: true } });
  });
});
