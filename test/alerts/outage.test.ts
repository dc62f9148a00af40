import type { MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { severityOf } from '../../devices/alerts.ts';
import { EventBus } from '../../devices/bus.ts';
import { OUTAGE_SUBJECT, type OutageDevice, OutageGrouping } from '../../server/alerts/outage.ts';
import type { Alert, AlertStep, CreatedDevice, Retiree } from '../../server/schemas/index.ts';
import { eventually, publish } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

describe('an outage: many devices offline at once are one incident', () => {
  // A will that fires is an offline device at once: the whole outage falls in one window.
  const t = suiteHub({ HUB_OFFLINE_GRACE_SECONDS: '0' });

  const active = async () => (await t.api<Alert[]>('GET', '/api/alerts?status=active&limit=500')).body;

  /** A pendant of a new retiree, connected with a will that says it is offline. */
  async function pendant(): Promise<{
    retiree: Retiree;
    id: string;
    device: CreatedDevice;
    client: MqttClient;
  }> {
    const retiree = await t.addRetiree();
    const device = await t.addDevice('pendant.sos', retiree.id);
    const statusTopic = `eldercare/v1/${device.device.id}/status`;
    const client = await t.connectDevice(device, {
      will: { topic: statusTopic, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    });
    await publish(client, statusTopic, { online: true, battery: 80 }, 1, true);
    return { retiree, id: device.device.id, device, client };
  }

  it('folds 12 devices dropping at once into one outage alert; an SOS meanwhile opens its own; a device back is recorded', async () => {
    const pendants = await Promise.all(Array.from({ length: 12 }, () => pendant()));
    const ids = pendants.map((entry) => entry.id).sort();
    // The power goes: every connection drops at once and every will fires.
    for (const entry of pendants)
      (entry.client as unknown as { stream: { destroy(): void } }).stream.destroy();

    const incident = await eventually(async () => {
      const found = (await active()).find((alert) => alert.kind === 'outage');
      return found && (found.detail.devices as OutageDevice[]).length === 12 ? found : undefined;
    }, 60_000);
    expect(incident).toMatchObject({ severity: 'high', status: 'open', retireeId: null });
    expect(incident.detail).toMatchObject({ count: 12, stillOffline: 12 });
    const listed = incident.detail.devices as OutageDevice[];
    expect(listed.map((device) => device.deviceId).sort()).toStrictEqual(ids);
    expect(new Set(listed.map((device) => device.retireeId))).toStrictEqual(
      new Set(pendants.map((entry) => entry.retiree.id)),
    );
    for (const device of listed) expect(Number.isNaN(Date.parse(device.since))).toBe(false);

    // The desk shows one item, not twelve: no device_offline of these devices is left active, and
    // any that opened before the count was reached was resolved into the incident, not as a false alarm.
    const queue = await active();
    expect(
      queue.filter((alert) => alert.kind === 'device_offline' && ids.includes(alert.deviceId)),
    ).toStrictEqual([]);
    expect(queue.filter((alert) => alert.kind === 'outage')).toHaveLength(1);
    const all = (await t.api<Alert[]>('GET', '/api/alerts?kind=device_offline&limit=500')).body.filter(
      (alert) => ids.includes(alert.deviceId),
    );
    for (const folded of all) {
      expect(folded).toMatchObject({ status: 'resolved', outcome: 'genuine' });
      const steps = (await t.api<AlertStep[]>('GET', `/api/alerts/${folded.id}/steps`)).body;
      expect(steps.find((step) => step.action === 'folded')?.detail).toMatchObject({ into: incident.id });
    }

    // An SOS during the outage is an emergency of its own, never folded.
    const caller = await t.addRetiree();
    const sosDevice = await t.addDevice('pendant.sos', caller.id);
    const sosClient = await t.connectDevice(sosDevice);
    await publish(sosClient, `eldercare/v1/${sosDevice.device.id}/event`, { id: 'outage-sos', type: 'sos' });
    const sos = await eventually(async () =>
      (await active()).find((alert) => alert.kind === 'sos' && alert.retireeId === caller.id),
    );
    expect(sos).toMatchObject({ severity: 'critical', status: 'open', deviceId: sosDevice.device.id });
    const unchanged = (await t.api<Alert>('GET', `/api/alerts/${incident.id}`)).body;
    expect((unchanged.detail.devices as OutageDevice[]).map((device) => device.deviceId)).not.toContain(
      sosDevice.device.id,
    );

    // One device comes back: the incident records it and shows 11 still offline.
    const [first] = pendants;
    const back = await t.connectDevice(first!.device);
    await publish(back, `eldercare/v1/${first!.id}/status`, { online: true, battery: 70 }, 1, true);
    const recorded = await eventually(async () => {
      const current = (await t.api<Alert>('GET', `/api/alerts/${incident.id}`)).body;
      return current.detail.stillOffline === 11 ? current : undefined;
    });
    const entry = (recorded.detail.devices as OutageDevice[]).find((device) => device.deviceId === first!.id);
    expect(entry?.backAt).toEqual(expect.any(String));
    expect(recorded.detail.count).toBe(12);
    const steps = (await t.api<AlertStep[]>('GET', `/api/alerts/${incident.id}/steps`)).body;
    expect(
      steps.filter((step) => step.action === 'device_back').map((step) => step.detail.deviceId),
    ).toStrictEqual([first!.id]);

    // The incident is worked and resolved once.
    expect((await t.api('POST', `/api/alerts/${incident.id}/ack`, {})).status).toBe(200);
    const resolved = await t.api<Alert>('POST', `/api/alerts/${incident.id}/resolve`, {
      outcome: 'genuine',
      note: '配电室跳闸，已恢复供电',
    });
    expect(resolved.body).toMatchObject({ status: 'resolved', kind: 'outage' });
    expect((await active()).filter((alert) => alert.kind === 'outage')).toStrictEqual([]);
  });
});

describe('two hub instances on one database', () => {
  const t = suiteHub();

  it('open one outage incident between them, listing the devices each saw', async () => {
    // Two instances' groupings (each with its own bus) over the one database, with a count of one
    // device, so each would open an incident of its own were the subject not fixed.
    const settings = { devices: 1, windowMs: 5 * 60_000 };
    const instances = [1, 2].map(
      () => new OutageGrouping(t.hub.db, new EventBus(), () => new Date(), settings),
    );
    const candidate = (deviceId: string) => ({
      deviceId,
      kind: 'device_offline' as const,
      severity: severityOf('device_offline'),
      ts: Date.now(),
      detail: { lastSeen: new Date().toISOString(), reason: 'silent' },
    });
    const [first, second] = await Promise.all([
      instances[0]!.absorb(candidate('instance-1-device'), null),
      instances[1]!.absorb(candidate('instance-2-device'), null),
    ]);
    expect(first?.id).toBeDefined();
    expect(second?.id).toBe(first?.id);
    const rows = await t.hub.db.query<{ id: string; detail: { devices: OutageDevice[] } }>(
      `select id, detail from alerts where subject = $1 and kind = 'outage'`,
      [OUTAGE_SUBJECT],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.detail.devices.map((device) => device.deviceId).sort()).toStrictEqual([
      'instance-1-device',
      'instance-2-device',
    ]);
  });
});
