/**
 * Alert changes, escalations, ended sessions and revoked devices travel on the hub's bus, and the
 * API does what the transition table of devices/alerts.ts says in every status. A whole hub.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_STATUSES, type AlertAction, type AlertStatus, nextStatus } from '../../devices/alerts.ts';
import type { HubEventMap } from '../../devices/contract.ts';
import { hashToken } from '../../server/auth/secrets.ts';
import type { Alert, AlertStep, Retiree } from '../../server/schemas/index.ts';
import { AlertStore } from '../../server/store/alerts.ts';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.ts';

const OWNER = 'test-listener';
const WATCHED = ['alert.changed', 'alert.escalated', 'session.ended', 'device.revoked'] as const;
type Watched = (typeof WATCHED)[number];

describe('alert events on the bus, and the API against the transition table', () => {
  let t: TestHub;
  let adminId: string;
  /** What the test's own listener heard, in order. */
  const heard: { [K in Watched]: { event: K; payload: HubEventMap[K] } }[Watched][] = [];
  const payloads = <K extends Watched>(event: K) =>
    heard.filter((entry) => entry.event === event).map((entry) => entry.payload as HubEventMap[K]);
  let sequence = 0;

  beforeAll(async () => {
    t = await startTestHub();
    for (const event of WATCHED) {
      t.hub.bus.on(event, OWNER, (payload) => {
        heard.push({ event, payload } as (typeof heard)[number]);
      });
    }
    const users = await t.api<{ id: string; username: string }[]>('GET', '/api/users');
    adminId = users.body.find((user) => user.username === 'admin')?.id ?? '';
  });
  afterAll(async () => {
    t?.hub.bus.removeOwner(OWNER);
    await t?.stop();
  });

  /** An SOS of a new retiree's pendant, raised the way the detector raises it. */
  async function opened(): Promise<{ alert: Alert; retiree: Retiree; deviceId: string }> {
    const retiree = await t.addRetiree();
    const device = await t.addDevice('pendant.sos', retiree.id);
    const outcome = await t.hub.workflow.handle({
      deviceId: device.device.id,
      kind: 'sos',
      severity: 'critical',
      ts: Date.now(),
      eventId: `sos-${++sequence}`,
      detail: {},
    });
    expect(outcome?.change).toBe('opened');
    return { alert: outcome!.alert as Alert, retiree, deviceId: device.device.id };
  }

  const changesOf = (id: string) => payloads('alert.changed').filter((change) => change.alert.id === id);

  it('tells every listener of an opened alert and of each step, with whether the status changed', async () => {
    const { alert } = await opened();
    expect(changesOf(alert.id)).toStrictEqual([{ change: 'opened', alert, statusChanged: false }]);

    const acked = await t.api<Alert>('POST', `/api/alerts/${alert.id}/ack`, {});
    expect(acked.status).toBe(200);
    await t.api('POST', `/api/alerts/${alert.id}/comments`, { text: '已联系家属' });
    const changes = changesOf(alert.id);
    expect(changes.map((change) => [change.change, change.alert.status, change.statusChanged])).toStrictEqual(
      [
        ['opened', 'open', false],
        ['updated', 'acknowledged', true],
        ['updated', 'acknowledged', false],
      ],
    );
    expect(changes[1]?.alert).toStrictEqual(acked.body);
  });

  it('tells of a family member on the way, and of the ladder climbing', async () => {
    const { alert, retiree } = await opened();
    const family = await t.addFamily(retiree, `family-bus-${sequence}`);
    const before = changesOf(alert.id).length;
    const answer = await t.api(
      'POST',
      `/api/family/alerts/${alert.id}/on-my-way`,
      { etaMinutes: 15 },
      family,
    );
    expect(answer.status).toBe(200);
    const onWay = changesOf(alert.id).slice(before);
    expect(onWay.map((change) => [change.change, change.alert.status, change.statusChanged])).toStrictEqual([
      ['updated', 'open', false],
    ]);

    const ladder = await t.api('PUT', '/api/settings/escalation', {
      steps: [{ afterSeconds: 1, notify: ['supervisor', 'family'] }],
    });
    expect(ladder.status).toBe(200);
    const escalated = await eventually(
      () => payloads('alert.escalated').find((event) => event.alert.id === alert.id),
      10_000,
    );
    expect(escalated.level).toBe(1);
    expect(escalated.audiences).toStrictEqual(['supervisor', 'family']);
    expect(escalated.alert.escalationLevel).toBe(1);
    // The wall hears the new level as a change of the alert, just before the escalation itself.
    const climb = heard.filter(
      (entry) =>
        (entry.event === 'alert.changed' || entry.event === 'alert.escalated') &&
        entry.payload.alert.id === alert.id &&
        entry.payload.alert.escalationLevel === 1,
    );
    expect(climb.map((entry) => entry.event)).toStrictEqual(['alert.changed', 'alert.escalated']);
    expect(climb[0]?.payload).toStrictEqual({
      change: 'updated',
      alert: escalated.alert,
      statusChanged: false,
    });
  });

  it('tells of ended sessions and revoked devices', async () => {
    const staff = await t.addStaff('bus-operator', 'operator');
    expect((await t.api('POST', '/api/auth/logout', undefined, staff.token)).status).toBe(204);
    expect(payloads('session.ended')).toContainEqual({ tokenHash: hashToken(staff.token) });

    const retiree = await t.addRetiree();
    const rotated = await t.addDevice('pendant.sos', retiree.id);
    expect((await t.api('POST', `/api/devices/${rotated.device.id}/secret`)).status).toBe(200);
    const revoked = await t.addDevice('pendant.sos', retiree.id);
    const answer = await t.api('POST', `/api/devices/${revoked.device.id}/revoke`, { reason: '遗失' });
    expect(answer.status).toBe(200);
    expect(payloads('device.revoked')).toStrictEqual([
      { deviceId: rotated.device.id, cause: 'secret_replaced' },
      { deviceId: revoked.device.id, cause: 'revoked' },
    ]);
  });

  /** An alert brought to `status` the way staff and the retiree bring it there. */
  async function alertIn(status: AlertStatus) {
    const made = await opened();
    const id = made.alert.id;
    if (status === 'acknowledged') await t.api('POST', `/api/alerts/${id}/ack`, {});
    if (status === 'in_progress')
      await t.api('POST', `/api/alerts/${id}/actions`, { action: 'called_retiree' });
    if (status === 'resolved') {
      await t.api('POST', `/api/alerts/${id}/resolve`, { outcome: 'genuine', note: '已处理' });
    }
    if (status === 'cancelled')
      await t.hub.workflow.cancelFromDevice(made.deviceId, `cancel-${id}`, new Date());
    expect((await t.api<Alert>('GET', `/api/alerts/${id}`)).body.status).toBe(status);
    return made;
  }

  /** Each action as its caller takes it; resolves with the HTTP status, or true/false for the hub's own. */
  const act: Record<
    Exclude<AlertAction, 'cancel' | 'cancel_request'>,
    (made: Awaited<ReturnType<typeof alertIn>>) => Promise<number | boolean>
  > = {
    acknowledge: async ({ alert }) => (await t.api('POST', `/api/alerts/${alert.id}/ack`, {})).status,
    take: async ({ alert }) => (await t.api('POST', `/api/alerts/${alert.id}/take`, {})).status,
    assign: async ({ alert }) =>
      (await t.api('POST', `/api/alerts/${alert.id}/assign`, { userId: adminId })).status,
    action: async ({ alert }) =>
      (await t.api('POST', `/api/alerts/${alert.id}/actions`, { action: 'called_family' })).status,
    help_coming: async ({ alert }) => (await t.api('POST', `/api/alerts/${alert.id}/help-coming`, {})).status,
    resolve: async ({ alert }) =>
      (await t.api('POST', `/api/alerts/${alert.id}/resolve`, { outcome: 'false_alarm', note: '误报' }))
        .status,
    comment: async ({ alert }) =>
      (await t.api('POST', `/api/alerts/${alert.id}/comments`, { text: '备注' })).status,
    family_on_way: async ({ alert, retiree }) => {
      const family = await t.addFamily(retiree, `family-grid-${++sequence}`);
      return (await t.api('POST', `/api/family/alerts/${alert.id}/on-my-way`, {}, family)).status;
    },
    // Another SOS of the same retiree: folded into this alert, or a new one opens.
    repeat: async ({ alert, deviceId }) => {
      const outcome = await t.hub.workflow.handle({
        deviceId,
        kind: 'sos',
        severity: 'critical',
        ts: Date.now(),
        eventId: `again-${alert.id}`,
        detail: {},
      });
      return outcome?.alert.id === alert.id;
    },
    escalate: async ({ alert }) => new AlertStore(t.hub.db).escalate(alert.id, 99, new Date()),
  };

  const api = new Set<AlertAction>([
    'acknowledge',
    'take',
    'assign',
    'action',
    'help_coming',
    'resolve',
    'comment',
    'family_on_way',
  ]);

  for (const status of ALERT_STATUSES) {
    it(`does in ${status} what the table says, and answers 409 where it refuses`, async () => {
      const outcomes: Record<string, [number | boolean | string | null, AlertStatus]> = {};
      const wanted: Record<string, [number | boolean | string | null, AlertStatus]> = {};
      for (const action of Object.keys(act) as (keyof typeof act)[]) {
        const made = await alertIn(status);
        const result = await act[action](made);
        const after = (await t.api<Alert>('GET', `/api/alerts/${made.alert.id}`)).body.status;
        outcomes[action] = [result, after];
        const next = nextStatus(status, action);
        const done = api.has(action) ? 200 : true;
        const refused = api.has(action) ? 409 : false;
        wanted[action] = [next === null ? refused : done, next ?? status];
      }
      // The retiree's cancel press is `cancel` where the table allows it, else `cancel_request`.
      const pressed = await alertIn(status);
      await t.hub.workflow.cancelFromDevice(pressed.deviceId, `press-${pressed.alert.id}`, new Date());
      const steps = (await t.api<AlertStep[]>('GET', `/api/alerts/${pressed.alert.id}/steps`)).body;
      const step = steps.find((item) => item.detail.eventId === `press-${pressed.alert.id}`);
      outcomes.press = [
        step?.action ?? null,
        (await t.api<Alert>('GET', `/api/alerts/${pressed.alert.id}`)).body.status,
      ];
      const cancelled = nextStatus(status, 'cancel');
      const requested = nextStatus(status, 'cancel_request');
      wanted.press = cancelled
        ? ['cancelled', cancelled]
        : requested
          ? ['cancel_requested', requested]
          : [null, status];
      expect(outcomes).toStrictEqual(wanted);
    });
  }
});
