import type { MqttClient } from 'mqtt';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Alert, AlertStep } from '../../server/schemas/index.ts';
import { eventually, publish } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

describe('alert states, assignment and actions (5.1.7)', () => {
  const t = suiteHub();
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    for (const [username, role] of [
      ['op1', 'operator'],
      ['op2', 'operator'],
      ['sup', 'supervisor'],
      ['case', 'caseworker'],
    ]) {
      const created = await t.api('POST', '/api/users', {
        username,
        displayName: `${role}-${username}`,
        role,
        password: 'password-123',
      });
      expect(created.status).toBe(201);
      const login = await t.api<{ token: string }>(
        'POST',
        '/api/auth/login',
        { username, password: 'password-123' },
        null,
      );
      tokens[username ?? ''] = login.body.token;
    }
  });

  async function pressed(type = 'sos', extra: Record<string, unknown> = {}) {
    const retiree = await t.addRetiree();
    const device = await t.addDevice(type === 'water_leak' ? 'sensor.water_leak' : 'pendant.sos', retiree.id);
    const client: MqttClient = await t.connectDevice(device);
    const commands: { type: string; text: string }[] = [];
    await client.subscribeAsync(`eldercare/v1/${device.device.id}/cmd`, { qos: 1 });
    client.on('message', (_topic, payload) => commands.push(JSON.parse(payload.toString())));
    const topic = `eldercare/v1/${device.device.id}/event`;
    await publish(client, topic, { id: `${type}-1`, type, ...extra });
    const alert = await eventually(async () => {
      const list = await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`);
      return list.body[0];
    });
    return { retiree, client, topic, alert, commands };
  }

  const as = (user: string) => tokens[user] ?? null;

  it('walks open → acknowledged → in progress → resolved with who and when at each step', async () => {
    const { alert, commands } = await pressed();
    const acked = await t.api<Alert>('POST', `/api/alerts/${alert.id}/ack`, {}, as('op1'));
    expect(acked.body).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'operator-op1',
      assignedTo: 'operator-op1',
    });

    // Another operator cannot take it over; a supervisor can reassign it.
    expect((await t.api('POST', `/api/alerts/${alert.id}/take`, {}, as('op2'))).status).toBe(409);
    expect((await t.api('POST', `/api/alerts/${alert.id}/assign`, { userId: 'x' }, as('op1'))).status).toBe(
      403,
    );
    const users = await t.api<{ id: string; username: string }[]>('GET', '/api/users', undefined, as('sup'));
    const op2 = users.body.find((user) => user.username === 'op2');
    const reassigned = await t.api<Alert>(
      'POST',
      `/api/alerts/${alert.id}/assign`,
      { userId: op2?.id },
      as('sup'),
    );
    expect(reassigned.body.assignedTo).toBe('operator-op2');

    const called = await t.api<Alert>(
      'POST',
      `/api/alerts/${alert.id}/actions`,
      { action: 'called_retiree', note: '无人接听' },
      as('op2'),
    );
    expect(called.body.status).toBe('in_progress');
    expect(called.body.inProgressAt).not.toBeNull();
    expect(
      (await t.api('POST', `/api/alerts/${alert.id}/actions`, { action: 'handed_to_120' }, as('op2'))).status,
    ).toBe(400);
    const handover = {
      address: '成都市武侯区芳草街1号3单元',
      condition: '意识清醒，左髋疼痛',
      history: '高血压，服用氨氯地平',
    };
    const handed = await t.api<Alert>(
      'POST',
      `/api/alerts/${alert.id}/actions`,
      { action: 'handed_to_120', handover },
      as('op2'),
    );
    expect(handed.status).toBe(200);
    const coming = await t.api<Alert>('POST', `/api/alerts/${alert.id}/help-coming`, {}, as('op2'));
    expect(coming.status).toBe(200);
    await eventually(() => commands.find((command) => command.type === 'help_coming'));
    expect(commands.map((command) => command.type)).toStrictEqual(['ack', 'help_coming']);

    // A caseworker keeps records but does not work alerts.
    expect(
      (await t.api('POST', `/api/alerts/${alert.id}/resolve`, { outcome: 'genuine', note: 'x' }, as('case')))
        .status,
    ).toBe(403);
    const resolved = await t.api<Alert>(
      'POST',
      `/api/alerts/${alert.id}/resolve`,
      { outcome: 'genuine', note: '已送医' },
      as('op2'),
    );
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      resolvedBy: 'operator-op2',
      outcome: 'genuine',
    });
    // Comments are welcome after resolution too; nothing is deleted.
    expect(
      (await t.api('POST', `/api/alerts/${alert.id}/comments`, { text: '家属来电致谢' }, as('sup'))).status,
    ).toBe(200);
    expect(
      (await t.api('POST', `/api/alerts/${alert.id}/actions`, { action: 'sent_staff' }, as('op2'))).status,
    ).toBe(409);

    const steps = await t.api<AlertStep[]>('GET', `/api/alerts/${alert.id}/steps`);
    expect(steps.body.map((step) => [step.action, step.actor])).toStrictEqual([
      ['opened', null],
      ['acknowledged', 'operator-op1'],
      ['assigned', 'operator-op1'],
      ['assigned', 'supervisor-sup'],
      ['called_retiree', 'operator-op2'],
      ['handed_to_120', 'operator-op2'],
      ['help_coming', 'operator-op2'],
      ['resolved', 'operator-op2'],
      ['comment', 'supervisor-sup'],
    ]);
    expect(steps.body.find((step) => step.action === 'handed_to_120')?.detail).toStrictEqual({ handover });
    const times = steps.body.map((step) => Date.parse(step.at));
    expect([...times].sort((a, b) => a - b)).toStrictEqual(times);
  });

  it('lets the retiree cancel before anyone acknowledged, and only notes it afterwards', async () => {
    const first = await pressed();
    await publish(first.client, first.topic, { id: 'cancel-1', type: 'cancel' });
    const cancelled = await eventually(async () => {
      const alert = (await t.api<Alert>('GET', `/api/alerts/${first.alert.id}`)).body;
      return alert.status === 'cancelled' ? alert : undefined;
    });
    expect(cancelled.cancelledAt).not.toBeNull();
    expect(cancelled.acknowledgedAt).toBeNull();

    const second = await pressed();
    await t.api('POST', `/api/alerts/${second.alert.id}/ack`, {}, as('op1'));
    await publish(second.client, second.topic, { id: 'cancel-2', type: 'cancel' });
    const steps = await eventually(async () => {
      const list = (await t.api<AlertStep[]>('GET', `/api/alerts/${second.alert.id}/steps`)).body;
      return list.some((step) => step.action === 'cancel_requested') ? list : undefined;
    });
    expect(steps.at(-1)?.action).toBe('cancel_requested');
    expect((await t.api<Alert>('GET', `/api/alerts/${second.alert.id}`)).body.status).toBe('acknowledged');

    // The same press again (its acknowledgement lost) is noted once; a new press is noted too.
    await publish(second.client, second.topic, { id: 'cancel-2', type: 'cancel' });
    await publish(second.client, second.topic, { id: 'cancel-3', type: 'cancel' });
    const requests = await eventually(async () => {
      const list = (await t.api<AlertStep[]>('GET', `/api/alerts/${second.alert.id}/steps`)).body;
      const noted = list.filter((step) => step.action === 'cancel_requested');
      return noted.some((step) => step.detail.eventId === 'cancel-3') ? noted : undefined;
    });
    expect(requests.map((step) => step.detail.eventId)).toStrictEqual(['cancel-2', 'cancel-3']);
  });

  it('logs a test press as a test alert that resolves itself', async () => {
    const { alert } = await pressed('button_test');
    expect(alert).toMatchObject({ kind: 'test', status: 'resolved', outcome: 'test', severity: 'low' });
    const queue = await t.api<Alert[]>('GET', '/api/alerts?status=active');
    expect(queue.body.some((entry) => entry.id === alert.id)).toBe(false);
  });

  it('folds a flapping sensor into one alert with a count and a "device fault?" hint', async () => {
    const { alert, client, topic } = await pressed('water_leak');
    for (let index = 2; index <= 8; index += 1)
      await publish(client, topic, { id: `water_leak-${index}`, type: 'water_leak' });
    const folded = await eventually(async () => {
      const current = (await t.api<Alert>('GET', `/api/alerts/${alert.id}`)).body;
      return current.count === 8 ? current : undefined;
    });
    expect(folded.hint).toBe('device_fault?');
    const list = await t.api<Alert[]>('GET', `/api/alerts?retireeId=${alert.retireeId}`);
    expect(list.body).toHaveLength(1);
  });
});
