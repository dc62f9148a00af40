import { describe, expect, it } from 'vitest';
import type { Alert } from '../../server/schemas/index.ts';
import { eventually, publish } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

describe('detection through a running hub', () => {
  const t = suiteHub({ HUB_SPO2_CONSECUTIVE: '2', HUB_OFFLINE_GRACE_SECONDS: '0' });

  const alertsOf = async (retireeId: string) =>
    (await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retireeId}`)).body;

  it('opens spo2_low and battery_low from a watch', async () => {
    const retiree = await t.addRetiree();
    const device = await t.addDevice('wearable.watch', retiree.id);
    const client = await t.connectDevice(device);
    const topic = `eldercare/v1/${device.device.id}/telemetry`;
    await publish(client, topic, { spo2: 86, battery: 60 });
    await publish(client, topic, { spo2: 85, battery: 12 });
    const kinds = await eventually(async () => {
      const list = (await alertsOf(retiree.id)).map((alert) => `${alert.kind}:${alert.severity}`).sort();
      return list.length === 2 ? list : undefined;
    });
    expect(kinds).toStrictEqual(['battery_low:low', 'spo2_low:high']);
  });

  it("judges SpO2 by the retiree's own limit, changed while the hub runs", async () => {
    const retiree = await t.addRetiree({ spo2Low: 85 });
    const device = await t.addDevice('wearable.watch', retiree.id);
    const client = await t.connectDevice(device);
    const topic = `eldercare/v1/${device.device.id}/telemetry`;
    // 88 and 87 are usual for this retiree (COPD): no alert (checked below, once a later reading has
    // been judged).
    await publish(client, topic, { spo2: 88 });
    await publish(client, topic, { spo2: 87 });
    expect((await t.api('PATCH', `/api/retirees/${retiree.id}`, { hrLow: 130, hrHigh: 120 })).status).toBe(
      400,
    );
    expect((await t.api('PATCH', `/api/retirees/${retiree.id}`, {})).status).toBe(400);
    // A field this route does not change is refused by name, not ignored (it was a 500: an empty SET).
    const other = await t.api<{ message: string }>('PATCH', `/api/retirees/${retiree.id}`, {
      birthDate: '1940-01-01',
    });
    expect(other.status).toBe(400);
    expect(other.body.message).toContain('additional properties');
    const changed = await t.api<{ spo2Low: number | null; medicalHistory: string }>(
      'PATCH',
      `/api/retirees/${retiree.id}`,
      {
        spo2Low: null,
        medicalHistory: '慢阻肺',
      },
    );
    expect(changed.body).toMatchObject({ spo2Low: null, medicalHistory: '慢阻肺' });
    await publish(client, topic, { spo2: 89 });
    await publish(client, topic, { spo2: 86 });
    // The readings of one connection are judged in the order they came, and the candidates of one
    // retiree and kind are stored one after another (AlertWorkflow.handle): once the alert shows the
    // 86, an alert from the 88 and 87 would be stored too, and this one would be its repeat.
    const alert = await eventually(async () =>
      (await alertsOf(retiree.id)).find((entry) => entry.kind === 'spo2_low' && entry.detail.spo2 === 86),
    );
    expect(alert.detail).toMatchObject({ low: 90 });
    expect(alert.count).toBe(1);
    expect((await alertsOf(retiree.id)).map((entry) => entry.id)).toStrictEqual([alert.id]);
  });

  it('opens device_offline when the will message fires and the device does not come back', async () => {
    const retiree = await t.addRetiree();
    const device = await t.addDevice('pendant.sos', retiree.id);
    const statusTopic = `eldercare/v1/${device.device.id}/status`;
    const client = await t.connectDevice(device, {
      will: { topic: statusTopic, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    });
    await publish(client, statusTopic, { online: true, battery: 80 }, 1, true);
    (client as unknown as { stream: { destroy(): void } }).stream.destroy();
    const alert = await eventually(
      async () => (await alertsOf(retiree.id)).find((entry) => entry.kind === 'device_offline'),
      8000,
    );
    expect(alert).toMatchObject({ severity: 'low', status: 'open', deviceId: device.device.id });
    expect(alert.detail).toMatchObject({ reason: 'disconnected', power: 'battery' });
  });

  it('opens no device_offline for a clean DISCONNECT or a dropped connection without a will', async () => {
    // A pendant that connects for each press, as mosquitto_pub does, and leaves cleanly.
    const perPress = await t.addDevice('pendant.sos', (await t.addRetiree()).id);
    // A watch whose connection drops and that set no will: only its silence may tell.
    const noWill = await t.addDevice('wearable.watch', (await t.addRetiree()).id);
    // A pendant whose will fires: the one that must raise device_offline.
    const withWill = await t.addDevice('pendant.sos', (await t.addRetiree()).id);
    const offlineAlerts = async () =>
      (await t.api<Alert[]>('GET', '/api/alerts?limit=500')).body
        .filter((alert) => alert.kind === 'device_offline')
        .map((alert) => alert.deviceId)
        .filter((id) => [perPress, noWill, withWill].some((device) => device.device.id === id));

    const pressing = await t.connectDevice(perPress);
    await publish(pressing, `eldercare/v1/${perPress.device.id}/event`, {
      id: 'press-1',
      type: 'button_test',
    });
    await pressing.endAsync();
    const dropping = await t.connectDevice(noWill);
    await publish(dropping, `eldercare/v1/${noWill.device.id}/telemetry`, { hr: 70 });
    (dropping as unknown as { stream: { destroy(): void } }).stream.destroy();
    // Both are shown offline on the wall before the will of the third fires.
    await eventually(async () => {
      const devices = (await t.api<{ id: string; online: boolean }[]>('GET', '/api/devices')).body;
      const offline = devices.filter((device) => !device.online).map((device) => device.id);
      return offline.includes(perPress.device.id) && offline.includes(noWill.device.id);
    }, 8000);

    const statusTopic = `eldercare/v1/${withWill.device.id}/status`;
    const client = await t.connectDevice(withWill, {
      will: { topic: statusTopic, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    });
    (client as unknown as { stream: { destroy(): void } }).stream.destroy();
    // The detector judges every device in each pass: once the will's alert is open, the two that
    // went offline before it have been judged too.
    await eventually(async () => (await offlineAlerts()).includes(withWill.device.id), 15_000);
    expect(await offlineAlerts()).toStrictEqual([withWill.device.id]);
  });

  it('refuses a malformed time-of-day setting, naming it', async () => {
    const { loadConfig } = await import('../../server/config.ts');
    expect(() => loadConfig({ HUB_NIGHT_START: '25:00' })).toThrow(/^HUB_NIGHT_START: /);
  });
});
