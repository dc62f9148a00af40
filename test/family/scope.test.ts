import type { MqttClient } from 'mqtt';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  Alert,
  FamilyAccount,
  FamilyAlert,
  FamilyStatus,
  Retiree,
  ServerToClientEvents,
} from '../../server/schemas/index.ts';
import { eventually, publish, startTestHub, type TestHub } from '../helpers/hub.ts';
import { connectLive } from '../helpers/live.ts';

type AlertMessage = Parameters<ServerToClientEvents['alert']>[0];
type FamilyMessage = Parameters<ServerToClientEvents['familyAlert']>[0];

const FAMILY_PASSWORD = 'family-test-password';

describe('a family account sees its own relative and nothing else (6.11.2.2, 6.11.2.4)', () => {
  let t: TestHub;
  let own: Retiree;
  let other: Retiree;
  let account: FamilyAccount;
  let familyToken: string;
  let staffSocket: Socket<ServerToClientEvents>;
  let familySocket: Socket<ServerToClientEvents>;
  const staffSeen: AlertMessage[] = [];
  const familySeen: FamilyMessage[] = [];
  const familyOther: unknown[] = [];

  beforeAll(async () => {
    t = await startTestHub();
    own = await t.addRetiree({
      name: '王建国',
      contacts: [{ name: '王小红', relation: '女儿', phone: '13800000001', email: 'xiaohong@example.com' }],
    });
    other = await t.addRetiree({ name: '李卫国' });
    const created = await t.api<FamilyAccount>('POST', `/api/retirees/${own.id}/family-accounts`, {
      username: 'wang.xiaohong',
      password: FAMILY_PASSWORD,
      displayName: '王小红',
      contactId: own.contacts[0]?.id,
    });
    expect(created.status).toBe(201);
    account = created.body;
    const login = await t.api<{ token: string; user: { role: string } }>(
      'POST',
      '/api/auth/login',
      { username: 'wang.xiaohong', password: FAMILY_PASSWORD },
      null,
    );
    expect(login.body.user.role).toBe('family');
    familyToken = login.body.token;

    staffSocket = await connectLive(t.url, t.token);
    staffSocket.on('alert', (message) => staffSeen.push(message));
    familySocket = await connectLive(t.url, familyToken);
    familySocket.on('familyAlert', (message) => familySeen.push(message));
    familySocket.on('alert', (message) => familyOther.push(message));
    familySocket.on('readings', (message) => familyOther.push(message));
    familySocket.on('device', (message) => familyOther.push(message));
  });
  afterAll(async () => {
    staffSocket?.close();
    familySocket?.close();
    await t?.stop();
  });

  async function press(
    retireeId: string,
    eventId: string,
  ): Promise<{ client: MqttClient; deviceId: string }> {
    const device = await t.addDevice('pendant.sos', retireeId);
    const client = await t.connectDevice(device);
    await publish(client, `eldercare/v1/${device.device.id}/event`, { id: eventId, type: 'sos' });
    return { client, deviceId: device.device.id };
  }

  it('links the account to exactly one retiree and one of its contacts', () => {
    expect(account).toMatchObject({
      username: 'wang.xiaohong',
      displayName: '王小红',
      retireeId: own.id,
      contactId: own.contacts[0]?.id,
      disabled: false,
    });
  });

  it('refuses taken usernames and contacts of another retiree', async () => {
    const taken = await t.api('POST', `/api/retirees/${own.id}/family-accounts`, {
      username: 'wang.xiaohong',
      password: FAMILY_PASSWORD,
      displayName: '又一个',
    });
    expect(taken.status).toBe(409);
    const foreign = await t.api('POST', `/api/retirees/${own.id}/family-accounts`, {
      username: 'someone.else',
      password: FAMILY_PASSWORD,
      displayName: '别人',
      contactId: other.contacts[0]?.id,
    });
    expect(foreign.status).toBe(404);
    // A family account reads health data: the staff password rules apply.
    for (const [password, message] of [
      ['short-pw', '密码至少 12 个字符'],
      ['password1234', '密码过于常见，请换一个'],
      ['weak.family.one', '密码不能与用户名相同'],
    ] as const) {
      const weak = await t.api<{ message: string }>('POST', `/api/retirees/${own.id}/family-accounts`, {
        username: 'weak.family.one',
        password,
        displayName: '弱密码',
      });
      expect(weak.status).toBe(400);
      expect(weak.body.message).toBe(`password: ${message}`);
    }
    const list = await t.api<FamilyAccount[]>('GET', `/api/retirees/${own.id}/family-accounts`);
    expect(list.body.map((entry) => entry.username)).toStrictEqual(['wang.xiaohong']);
  });

  it('gets 403 on every staff route of the OpenAPI document, even for its own relative', async () => {
    const document = await t.api<{ paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/docs/json',
      undefined,
      null,
    );
    expect(document.status).toBe(200);
    const checked: string[] = [];
    for (const [path, operations] of Object.entries(document.body.paths)) {
      // Not staff routes: the sign-in, the family page, and the hooks an external broker calls with
      // its own token (they ask for no session, so a family session is nothing to them).
      const notStaff = ['/api/auth/', '/api/family/', '/api/broker/'];
      if (!path.startsWith('/api/') || notStaff.some((prefix) => path.startsWith(prefix))) continue;
      for (const method of Object.keys(operations)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        // Its own relative's ids are the most tempting: they must be refused too.
        const concrete = path
          .replace('{id}', own.id)
          .replace('{contactId}', own.contacts[0]?.id ?? '')
          .replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
        const body = method === 'get' || method === 'delete' ? undefined : {};
        const response = await t.api<{ error: string }>(method.toUpperCase(), concrete, body, familyToken);
        expect(response.status, `${method.toUpperCase()} ${path}`).toBe(403);
        expect(response.body.error).toBe('forbidden');
        checked.push(`${method} ${path}`);
      }
    }
    // The document really lists the staff side.
    expect(checked).toContain('get /api/retirees');
    expect(checked).toContain('get /api/alerts');
    expect(checked).toContain('get /api/alerts/{id}/deliveries');
    expect(checked).toContain('post /api/retirees/{id}/family-accounts');
    expect(checked.length).toBeGreaterThan(10);
    // A route that does not exist is no way round it either.
    expect((await t.api('GET', '/api/nothing-here', undefined, familyToken)).status).toBe(403);
    // Its own session still works.
    expect((await t.api('GET', '/api/auth/me', undefined, familyToken)).status).toBe(200);
  });

  it('staff accounts do not use the family page', async () => {
    expect((await t.api('GET', '/api/family/status')).status).toBe(403);
  });

  it('shows the relative as well while nothing is open, with the centre to call', async () => {
    const status = await t.api<FamilyStatus>('GET', '/api/family/status', undefined, familyToken);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      retiree: { id: own.id, name: '王建国' },
      state: 'well',
      handledBy: null,
      active: [],
      recent: [],
      user: { displayName: '王小红' },
    });
    expect(status.body.centre.name.length).toBeGreaterThan(0);
  });

  it("pushes its relative's alert to the family room and not another retiree's", async () => {
    const stranger = await press(other.id, 'other-1');
    const mine = await press(own.id, 'own-1');
    const opened = await eventually(() => familySeen.find((message) => message.change === 'opened'));
    expect(opened.alert).toMatchObject({
      kind: 'sos',
      kindName: '紧急求救',
      status: 'open',
      handledBy: null,
    });
    // The staff saw both. The stranger's alert was stored and sent before the family's own press
    // (each press is acknowledged once stored), and one socket's events arrive in order: whatever
    // it had brought the family socket would be there before the family's own alert.
    await eventually(() => staffSeen.find((message) => message.alert.deviceId === stranger.deviceId));
    await eventually(() => staffSeen.find((message) => message.alert.deviceId === mine.deviceId));
    const ownAlerts = await t.api<Alert[]>('GET', `/api/alerts?retireeId=${own.id}`);
    expect(familySeen.every((message) => message.alert.id === ownAlerts.body[0]?.id)).toBe(true);
    expect(familyOther).toStrictEqual([]);
    // No staff notes or device detail in the family's shape.
    expect(Object.keys(opened.alert)).not.toContain('note');
    expect(Object.keys(opened.alert)).not.toContain('detail');
  });

  it("answers 404 for another retiree's alert, and 404 for nonsense", async () => {
    const otherAlert = await eventually(async () => {
      const list = await t.api<Alert[]>('GET', `/api/alerts?retireeId=${other.id}`);
      return list.body[0];
    });
    const refused = await t.api('POST', `/api/family/alerts/${otherAlert.id}/on-my-way`, {}, familyToken);
    expect(refused.status).toBe(404);
    expect((await t.api('POST', '/api/family/alerts/nope/on-my-way', {}, familyToken)).status).toBe(404);
    const steps = await t.hub.db.query("select 1 from alert_steps where action = 'family_on_way'");
    expect(steps).toHaveLength(0);
  });

  it('records "on my way" on the alert and pushes it to the staff', async () => {
    const alert = await eventually(async () => {
      const list = await t.api<Alert[]>('GET', `/api/alerts?retireeId=${own.id}`);
      return list.body[0];
    });
    const before = await t.api<FamilyStatus>('GET', '/api/family/status', undefined, familyToken);
    expect(before.body.state).toBe('alert_open');
    const staffCount = staffSeen.length;

    const answer = await t.api<FamilyAlert>(
      'POST',
      `/api/family/alerts/${alert.id}/on-my-way`,
      { etaMinutes: 20, note: '我从单位出发' },
      familyToken,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.onMyWay).toHaveLength(1);
    expect(answer.body.onMyWay[0]).toMatchObject({ etaMinutes: 20, by: '王小红' });

    const [step] = await t.hub.db.query<{ actor_id: string; detail: Record<string, unknown> }>(
      "select actor_id, detail from alert_steps where alert_id = $1 and action = 'family_on_way'",
      [alert.id],
    );
    expect(step?.actor_id).toBe(account.userId);
    expect(step?.detail).toMatchObject({
      etaMinutes: 20,
      note: '我从单位出发',
      contactId: own.contacts[0]?.id,
    });
    const pushed = await eventually(() =>
      staffSeen
        .slice(staffCount)
        .find((message) => message.change === 'updated' && message.alert.id === alert.id),
    );
    expect(pushed.alert.retireeId).toBe(own.id);
    await eventually(() => familySeen.find((message) => message.alert.onMyWay.length === 1));

    // The staff acknowledge: the family sees who is handling it.
    expect((await t.api('POST', `/api/alerts/${alert.id}/ack`, {})).status).toBe(200);
    const handled = await eventually(() =>
      familySeen.find((message) => message.alert.status === 'acknowledged'),
    );
    expect(handled.alert.handledBy).toBe('系统管理员');
    const after = await t.api<FamilyStatus>('GET', '/api/family/status', undefined, familyToken);
    expect(after.body).toMatchObject({ state: 'being_handled', handledBy: '系统管理员' });
    expect(after.body.recent).toHaveLength(1);

    await t.api('POST', `/api/alerts/${alert.id}/resolve`, {
      outcome: 'false_alarm',
      note: '老人误按，内部备注',
    });
    const resolved = await eventually(async () => {
      const status = await t.api<FamilyStatus>('GET', '/api/family/status', undefined, familyToken);
      return status.body.state === 'well' ? status.body : undefined;
    });
    expect(resolved.recent[0]).toMatchObject({ status: 'resolved', outcome: 'false_alarm' });
    expect(JSON.stringify(resolved)).not.toContain('内部备注');
    // Once resolved, "on my way" is too late.
    expect((await t.api('POST', `/api/family/alerts/${alert.id}/on-my-way`, {}, familyToken)).status).toBe(
      409,
    );
  });

  it('a disabled family account can no longer sign in', async () => {
    const extra = await t.api<FamilyAccount>('POST', `/api/retirees/${own.id}/family-accounts`, {
      username: 'wang.son',
      password: FAMILY_PASSWORD,
      displayName: '王小明',
    });
    const login = await t.api<{ token: string }>(
      'POST',
      '/api/auth/login',
      { username: 'wang.son', password: FAMILY_PASSWORD },
      null,
    );
    expect(login.status).toBe(200);
    const removed = await t.api('DELETE', `/api/retirees/${own.id}/family-accounts/${extra.body.userId}`);
    expect(removed.status).toBe(204);
    expect((await t.api('GET', '/api/family/status', undefined, login.body.token)).status).toBe(401);
    const again = await t.api(
      'POST',
      '/api/auth/login',
      { username: 'wang.son', password: FAMILY_PASSWORD },
      null,
    );
    expect(again.status).toBe(401);
  });
});
