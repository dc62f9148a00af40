/**
 * Nothing valid around bad input is lost: one device floods the broker with malformed and invalid
 * messages while another, on the same broker at the same time, sends its vitals and an SOS. Every
 * valid message arrives (readings stored, alert opened) and every bad one is counted in /metrics
 * under the reason the decoder gives it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DecodedChannel,
  decodeDeviceMessage,
  getDefinition,
  rejectReasonCode,
} from '../../devices/index.ts';
import type { VitalsResponse } from '../../server/schemas/index.ts';
import { eventually } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';
import { STATUS_KEYS } from './checks.ts';
import { devicePayload, SUITE_SEED, schemaKeys } from './generators.ts';

function metric(text: string, name: string): number {
  const line = text.split('\n').find((entry) => entry.startsWith(`${name} `));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('MQTT: bad messages from one device beside valid ones from another', () => {
  const t = suiteHub();

  it('stores every valid reading, opens the SOS alert, and counts every bad message by reason', async () => {
    const watch = getDefinition('wearable.watch')!;
    const noisy = await t.addDevice('wearable.watch', (await t.addRetiree()).id);
    const retiree = await t.addRetiree();
    const good = await t.addDevice('wearable.watch', retiree.id);
    const noisyClient = await t.connectDevice(noisy);
    const goodClient = await t.connectDevice(good);

    // Bad messages on each channel of the noisy device, kept only when the decoder refuses them,
    // with the count per reason the gateway must show.
    const channels: DecodedChannel[] = ['telemetry', 'event', 'status'];
    const keys = {
      telemetry: schemaKeys(watch.telemetrySchema),
      event: schemaKeys(watch.eventSchema),
      status: STATUS_KEYS,
    };
    const bad: { channel: DecodedChannel; payload: string | Uint8Array }[] = [];
    const expected = new Map<string, number>();
    for (const channel of channels) {
      for (const payload of fc.sample(devicePayload(keys[channel as keyof typeof keys]), {
        seed: SUITE_SEED,
        numRuns: 60,
      })) {
        const decoded = decodeDeviceMessage(watch, channel, payload, Date.now());
        if (decoded.ok) continue;
        const reason = rejectReasonCode(decoded.reason);
        expected.set(reason, (expected.get(reason) ?? 0) + 1);
        bad.push({ channel, payload });
      }
    }
    expect(bad.length).toBeGreaterThan(100);

    const before = await t.api<string>('GET', '/metrics', undefined, null);
    const start = Date.now() - 30 * 60_000;
    const heartRates = Array.from({ length: 20 }, (_, index) => 60 + index);
    const noisyTopic = (channel: string) => `eldercare/v1/${noisy.device.id}/${channel}`;
    const goodTopic = (channel: string) => `eldercare/v1/${good.device.id}/${channel}`;
    await Promise.all([
      ...bad.map(({ channel, payload }) =>
        noisyClient.publishAsync(noisyTopic(channel), Buffer.from(payload), { qos: 1 }),
      ),
      ...heartRates.map((hr, index) =>
        goodClient.publishAsync(goodTopic('telemetry'), JSON.stringify({ hr, ts: start + index * 60_000 }), {
          qos: 1,
        }),
      ),
      goodClient.publishAsync(goodTopic('event'), JSON.stringify({ id: 'sos-amid-noise', type: 'sos' }), {
        qos: 1,
      }),
    ]);
    expect(noisyClient.connected).toBe(true);

    const alert = await eventually(async () => {
      const list = await t.api<{ retireeId: string; kind: string }[]>('GET', '/api/alerts?status=open');
      return list.body.find((entry) => entry.retireeId === retiree.id);
    });
    expect(alert.kind).toBe('sos');
    const from = new Date(start - 1000).toISOString();
    const to = new Date(start + heartRates.length * 60_000).toISOString();
    const stored = await eventually(async () => {
      const response = await t.api<VitalsResponse>(
        'GET',
        `/api/retirees/${retiree.id}/vitals?field=hr&from=${from}&to=${to}&every=0`,
      );
      return response.body.points?.length === heartRates.length ? response.body : undefined;
    }, 10_000);
    expect(stored.points.map((point) => point.value)).toStrictEqual(heartRates);

    const after = await eventually(async () => {
      const text = (await t.api<string>('GET', '/metrics', undefined, null)).body;
      const counted = [...expected.keys()].reduce(
        (sum, reason) =>
          sum +
          metric(text, `hub_mqtt_messages_rejected_total{reason="${reason}"}`) -
          metric(before.body, `hub_mqtt_messages_rejected_total{reason="${reason}"}`),
        0,
      );
      return counted >= bad.length ? text : undefined;
    });
    for (const [reason, count] of expected) {
      const name = `hub_mqtt_messages_rejected_total{reason="${reason}"}`;
      expect(metric(after, name) - metric(before.body, name), reason).toBe(count);
    }
    const accepted = 'hub_mqtt_messages_total{channel="telemetry"}';
    expect(metric(after, accepted) - metric(before.body, accepted)).toBe(heartRates.length);
  });
});
