import { describe, expect, it } from 'vitest';
import { STORM_COUNT, STORM_HINT } from '../../server/alerts/workflow.ts';
import type { Alert } from '../../server/schemas/index.ts';
import { eventually, publish } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

const SECOND = 1000;

/**
 * "Device fault?" on heart-rate alerts through a running hub: the watch reports over MQTT with its
 * own timestamps, the centre's range is 50–120 bpm and three readings in a row open an alert.
 */
describe('device fault hint on heart-rate alerts', () => {
  const t = suiteHub({ HUB_HR_LOW: '50', HUB_HR_HIGH: '120', HUB_HR_CONSECUTIVE: '3' });

  /** A new watch of a new retiree reports `values`, one every `everyMs`, the last one now. */
  async function report(values: readonly number[], everyMs: number): Promise<string> {
    const retiree = await t.addRetiree();
    const device = await t.addDevice('wearable.watch', retiree.id);
    const client = await t.connectDevice(device);
    const topic = `eldercare/v1/${device.device.id}/telemetry`;
    const first = Date.now() - (values.length - 1) * everyMs;
    for (const [index, hr] of values.entries())
      await publish(client, topic, { hr, ts: first + index * everyMs });
    await client.endAsync();
    return retiree.id;
  }

  /** The retiree's one heart-rate alert once it has folded `count` candidates. */
  async function alertOf(retireeId: string, count: number): Promise<Alert> {
    const alert = await eventually(async () => {
      const list = (await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retireeId}`)).body;
      return list.find((entry) => entry.count === count);
    });
    expect((await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retireeId}`)).body).toHaveLength(1);
    return alert;
  }

  it('shows a genuine high heart rate held for 30 minutes as it is, without the hint', async () => {
    // A reading every 30 s for 30 minutes, between 140 and 165: twenty runs of three.
    const values = Array.from({ length: 60 }, (_, index) => [148, 156, 165, 152, 140][index % 5] as number);
    const retireeId = await report(values, 30 * SECOND);
    const alert = await alertOf(retireeId, 20);
    expect(alert.count).toBeGreaterThan(STORM_COUNT);
    expect(alert).toMatchObject({ kind: 'hr_high', severity: 'high', status: 'open', hint: null });
    expect(alert.detail).not.toHaveProperty('fault');
  });

  it('marks a heart rate leaping in and out of range as a suspected device fault', async () => {
    // 150, 150, 150, then 70, every 10 s: a run and a leap back, eight times over.
    const values = Array.from({ length: 32 }, (_, index) => (index % 4 === 3 ? 70 : 150));
    const retireeId = await report(values, 10 * SECOND);
    const alert = await alertOf(retireeId, 8);
    expect(alert).toMatchObject({ kind: 'hr_high', severity: 'high', hint: STORM_HINT });
    expect(alert.detail).toMatchObject({ fault: 'flapping' });
  });

  it('opens an impossible heart rate as the alert it asks for, marked as a suspected fault', async () => {
    const retireeId = await report([22, 22, 22], 10 * SECOND);
    const alert = await alertOf(retireeId, 1);
    expect(alert).toMatchObject({ kind: 'hr_low', severity: 'high', status: 'open', hint: STORM_HINT });
    expect(alert.detail).toMatchObject({ hr: 22, fault: 'impossible' });
  });
});
