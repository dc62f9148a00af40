import type { MqttClient } from 'mqtt';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, ServerToClientEvents } from '../../server/schemas/index.ts';
import { eventually, publish } from '../helpers/hub.ts';
import { type Live, watchLive } from '../helpers/live.ts';
import { suiteHub } from '../helpers/suite.ts';

type AlertMessage = Parameters<ServerToClientEvents['alert']>[0];

describe('alert workflow: device → broker → alert → staff → device', () => {
  const t = suiteHub({ HUB_HR_CONSECUTIVE: '3', HUB_HR_LOW: '50', HUB_HR_HIGH: '120' });
  let socket: Live;
  const seen: AlertMessage[] = [];

  beforeAll(async () => {
    socket = io(t.url, { auth: { token: t.token }, transports: ['websocket'], reconnection: false });
    socket.on('alert', (message) => seen.push(message));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
  });
  afterAll(async () => {
    socket?.close();
  });

  async function pendantOf(
    retireeId: string,
  ): Promise<{ client: MqttClient; id: string; commands: unknown[] }> {
    const device = await t.addDevice('pendant.sos', retireeId);
    const client = await t.connectDevice(device);
    const commands: unknown[] = [];
    await client.subscribeAsync(`eldercare/v1/${device.device.id}/cmd`, { qos: 1 });
    client.on('message', (_topic, payload) => commands.push(JSON.parse(payload.toString())));
    return { client, id: device.device.id, commands };
  }

  it('opens a critical alert on SOS, pushes it live, and ignores the redelivered event', async () => {
    const retiree = await t.addRetiree();
    const pendant = await pendantOf(retiree.id);
    const topic = `eldercare/v1/${pendant.id}/event`;
    await publish(pendant.client, topic, { id: 'sos-1', type: 'sos', ts: Date.now() });
    const opened = await eventually(() =>
      seen.find((message) => message.change === 'opened' && message.alert.deviceId === pendant.id),
    );
    expect(opened.alert).toMatchObject({
      kind: 'sos',
      severity: 'critical',
      status: 'open',
      count: 1,
      retireeId: retiree.id,
    });
    expect(opened.alert.retireeName).toBe(retiree.name);

    // QoS 1 redelivery: the same event id again opens nothing and counts nothing.
    await publish(pendant.client, topic, { id: 'sos-1', type: 'sos', ts: Date.now() });
    await publish(pendant.client, topic, { id: 'sos-1', type: 'sos', ts: Date.now() });
    // A new press of the same retiree adds to the open alert instead of opening a second one.
    await publish(pendant.client, topic, { id: 'sos-2', type: 'sos', ts: Date.now() });
    const repeated = await eventually(() =>
      seen.find(
        (message) =>
          message.change === 'updated' && message.alert.id === opened.alert.id && message.alert.count === 2,
      ),
    );
    expect(repeated.alert.count).toBe(2);
    const list = await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`);
    expect(list.body).toHaveLength(1);
    expect(list.body[0]?.count).toBe(2);
  });

  it('acknowledges (telling the device) and resolves with an outcome, recording who and when', async () => {
    const retiree = await t.addRetiree();
    const pendant = await pendantOf(retiree.id);
    await publish(pendant.client, `eldercare/v1/${pendant.id}/event`, { id: 'sos-a', type: 'sos' });
    const alert = await eventually(async () => {
      const open = await t.api<Alert[]>('GET', '/api/alerts?status=open');
      return open.body.find((entry) => entry.deviceId === pendant.id);
    });

    const acked = await t.api<Alert>('POST', `/api/alerts/${alert.id}/ack`, {});
    expect(acked.status).toBe(200);
    expect(acked.body.status).toBe('acknowledged');
    expect(acked.body.acknowledgedBy).toBe('系统管理员');
    expect(Date.parse(acked.body.acknowledgedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(alert.openedAt));
    const command = await eventually(() => pendant.commands[0]);
    expect(command).toStrictEqual({ type: 'ack', alertId: alert.id, text: '值班人员已收到，正在处理' });
    await eventually(() =>
      seen.find((message) => message.alert.id === alert.id && message.alert.status === 'acknowledged'),
    );

    // Acknowledging twice is a conflict, not a second command.
    expect((await t.api('POST', `/api/alerts/${alert.id}/ack`, {})).status).toBe(409);
    // Resolving needs an outcome and a note.
    expect((await t.api('POST', `/api/alerts/${alert.id}/resolve`, { outcome: 'genuine' })).status).toBe(400);
    expect(
      (await t.api('POST', `/api/alerts/${alert.id}/resolve`, { outcome: 'maybe', note: 'x' })).status,
    ).toBe(400);
    const resolved = await t.api<Alert>('POST', `/api/alerts/${alert.id}/resolve`, {
      outcome: 'genuine',
      note: '老人在卫生间滑倒，家属已陪同就医',
    });
    expect(resolved.body).toMatchObject({ status: 'resolved', outcome: 'genuine', resolvedBy: '系统管理员' });
    expect(
      (await t.api('POST', `/api/alerts/${alert.id}/resolve`, { outcome: 'genuine', note: 'again' })).status,
    ).toBe(409);
    expect(pendant.commands).toHaveLength(1);

    // After resolution a new press opens a new alert.
    await publish(pendant.client, `eldercare/v1/${pendant.id}/event`, { id: 'sos-b', type: 'sos' });
    const second = await eventually(async () => {
      const open = await t.api<Alert[]>('GET', '/api/alerts?status=open');
      return open.body.find((entry) => entry.deviceId === pendant.id);
    });
    expect(second.id).not.toBe(alert.id);
  });

  it('opens a high alert after N consecutive heart rates above the range, not before', async () => {
    const retiree = await t.addRetiree({ hrHigh: 100 });
    const device = await t.addDevice('wearable.watch', retiree.id);
    const client = await t.connectDevice(device);
    const topic = `eldercare/v1/${device.device.id}/telemetry`;
    const open = async () =>
      (await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}&status=open`)).body.filter(
        (alert) => alert.kind === 'hr_high',
      );
    // 110 is above this retiree's 100 though below the centre's 120; a normal reading breaks the run.
    for (const hr of [110, 112, 80, 111, 113]) await publish(client, topic, { hr });
    await publish(client, topic, { spo2: 97 });
    expect(await open()).toHaveLength(0);
    await publish(client, topic, { hr: 115 });
    // The readings of one connection are judged in order and the alerts of one retiree and kind
    // handled in that order (AlertWorkflow.handle): once the 115 has had its say, an alert opened by
    // an earlier reading would be there with a repeat on it.
    const [alert] = await eventually(async () => {
      const list = await open();
      return list[0]?.detail.hr === 115 ? list : undefined;
    });
    expect(alert).toMatchObject({ severity: 'high', status: 'open', count: 1 });
    expect(alert?.detail).toMatchObject({ hr: 115, high: 100 });
  });

  it('uses the centre default range for a retiree without one, and raises hr_low', async () => {
    const retiree = await t.addRetiree();
    const device = await t.addDevice('wearable.watch', retiree.id);
    const client = await t.connectDevice(device);
    const topic = `eldercare/v1/${device.device.id}/telemetry`;
    for (const hr of [115, 118, 119]) await publish(client, topic, { hr });
    for (const hr of [40, 41, 42]) await publish(client, topic, { hr });
    const alert = await eventually(async () => {
      const list = await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`);
      return list.body.find((entry) => entry.kind === 'hr_low');
    });
    expect(alert.detail).toMatchObject({ low: 50 });
    const list = await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`);
    expect(list.body.map((entry) => entry.kind)).toStrictEqual(['hr_low']);
  });

  it('treats a suspected fall as high and a confirmed fall as critical', async () => {
    const retiree = await t.addRetiree();
    const device = await t.addDevice('wearable.watch', retiree.id);
    const client = await t.connectDevice(device);
    const topic = `eldercare/v1/${device.device.id}/event`;
    await publish(client, topic, { id: 'f-1', type: 'fall', certainty: 'suspected' });
    const suspected = await eventually(async () => {
      const list = await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`);
      return list.body.find((entry) => entry.kind === 'fall');
    });
    expect(suspected.severity).toBe('high');
    await publish(client, topic, { id: 'f-2', type: 'fall' });
    const confirmed = await eventually(async () => {
      const list = await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`);
      return list.body.find((entry) => entry.kind === 'fall' && entry.count === 2);
    });
    // The repeat raised the open alert's severity rather than opening another.
    expect(confirmed.severity).toBe('critical');
    expect(confirmed.id).toBe(suspected.id);
  });

  it('pushes readings and the latest heart rate reaches the wall', async () => {
    const retiree = await t.addRetiree();
    const device = await t.addDevice('wearable.watch', retiree.id);
    const client = await t.connectDevice(device);
    const readings: unknown[] = [];
    // The wall shows this retiree: its readings come.
    expect(await watchLive(socket, { retirees: [retiree.id] })).toStrictEqual({
      ok: true,
      retirees: 1,
      devices: 0,
    });
    socket.on('readings', (batch) => {
      for (const update of batch) if (update.deviceId === device.device.id) readings.push(update);
    });
    await publish(client, `eldercare/v1/${device.device.id}/telemetry`, { hr: 73, spo2: 97, steps: 1200 });
    const update = await eventually(() => readings[0]);
    expect(update).toMatchObject({ retireeId: retiree.id, readings: { hr: 73, spo2: 97, steps: 1200 } });
    // Readings in quick succession go out together, the latest value of each reading kept.
    readings.length = 0;
    for (const hr of [74, 75, 76, 77, 78]) {
      await publish(client, `eldercare/v1/${device.device.id}/telemetry`, { hr });
    }
    await eventually(() =>
      readings.some((entry) => (entry as { readings: { hr?: number } }).readings.hr === 78),
    );
    expect(readings.length).toBeLessThanOrEqual(2);
    expect(readings.at(-1)).toMatchObject({ readings: { hr: 78 } });
    const tile = await eventually(async () => {
      const wall = await t.api<{ id: string; hr: number | null }[]>('GET', '/api/retirees');
      return wall.body.find((entry) => entry.id === retiree.id && entry.hr === 78);
    });
    expect(tile.hr).toBe(78);
  });

  it('refuses a live connection without a valid token', async () => {
    const stranger = io(t.url, { auth: { token: 'forged' }, transports: ['websocket'], reconnection: false });
    const error = await new Promise<Error>((resolve) => stranger.once('connect_error', resolve));
    stranger.close();
    expect(error.message).toBe('unauthorized');
  });
});
