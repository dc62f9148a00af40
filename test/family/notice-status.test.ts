/**
 * What a family is told (6.11.2.4): a device notice apart from an emergency, and one status
 * sentence per alert that follows the workflow (5.1.7), the same in the live update, in the list
 * and in the headline of `GET /api/family/status`.
 */

import { readFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_KINDS, alertKinds } from '../../devices/alerts.ts';
import { familyStage, familyTone, stageWords } from '../../server/family/notice.ts';
import type {
  Alert,
  FamilyAlert,
  FamilyStatus,
  Retiree,
  ServerToClientEvents,
} from '../../server/schemas/index.ts';
import { eventually, pressSos, publish, startTestHub, type TestHub } from '../helpers/hub.ts';
import { connectLive } from '../helpers/live.ts';

type FamilyMessage = Parameters<ServerToClientEvents['familyAlert']>[0];

describe('the family shape: notice or emergency, and one status sentence', () => {
  it('tells device notices of low or medium severity from every other kind', () => {
    const notices = ALERT_KINDS.filter((kind) => familyTone(kind, alertKinds[kind].severity) === 'notice');
    expect(notices.sort()).toStrictEqual(['battery_low', 'device_offline', 'test', 'wearable_removed']);
    for (const kind of ['sos', 'fall', 'smoke', 'gas', 'hr_high', 'hr_low', 'wander'] as const) {
      expect(familyTone(kind, alertKinds[kind].severity)).toBe('emergency');
    }
    // A device notice raised to high is no longer calm; an unknown kind is never played down.
    expect(familyTone('battery_low', 'high')).toBe('emergency');
    expect(familyTone('somebody_new', 'low')).toBe('emergency');
    expect(familyTone('constructor', 'low')).toBe('emergency');
  });

  it('says the furthest step of the workflow', () => {
    expect(familyStage('open', [])).toBe('notified');
    expect(familyStage('acknowledged', [])).toBe('received');
    expect(familyStage('in_progress', [])).toBe('handling');
    expect(familyStage('in_progress', ['help_coming'])).toBe('help_coming');
    expect(familyStage('in_progress', ['sent_staff'])).toBe('help_coming');
    expect(familyStage('in_progress', ['help_coming', 'handed_to_120'])).toBe('handed_over');
    expect(familyStage('resolved', ['handed_to_120'])).toBe('resolved');
    expect(familyStage('cancelled', [])).toBe('cancelled');
  });

  it('gives the family page the same Chinese sentences', () => {
    const words = JSON.parse(
      readFileSync(new URL('../../dashboard/src/views/family/locales/zh-CN.json', import.meta.url), 'utf8'),
    ) as { family: { stage: unknown } };
    expect(words.family.stage).toStrictEqual(stageWords);
  });
});

describe('the family page and its live update agree (6.11.2.4)', () => {
  let t: TestHub;
  let retiree: Retiree;
  let familyToken: string;
  let familySocket: Socket<ServerToClientEvents>;
  const pushed: FamilyMessage[] = [];

  beforeAll(async () => {
    t = await startTestHub();
    retiree = await t.addRetiree({
      name: '赵振华',
      contacts: [{ name: '赵小梅', relation: '女儿', phone: '13800000002' }],
    });
    familyToken = await t.addFamily(retiree, 'zhao.xiaomei', '赵小梅');
    familySocket = await connectLive(t.url, familyToken);
    familySocket.on('familyAlert', (message) => pushed.push(message));
  });
  afterAll(async () => {
    familySocket?.close();
    await t?.stop();
  });

  const status = async (): Promise<FamilyStatus> => {
    const answer = await t.api<FamilyStatus>('GET', '/api/family/status', undefined, familyToken);
    expect(answer.status).toBe(200);
    return answer.body;
  };

  /** The last live update of the alert once it reached `stage`, and the page's answer then. */
  async function reached(alertId: string, stage: FamilyAlert['stage']): Promise<[FamilyAlert, FamilyStatus]> {
    const live = await eventually(() =>
      pushed.findLast((message) => message.alert.id === alertId && message.alert.stage === stage),
    );
    return [live.alert, await status()];
  }

  let notice: FamilyAlert;
  let watchClient: MqttClient;
  let watchId: string;

  it('shows a battery notice calmly: a notice, its own state, the same in the push and the page', async () => {
    const watch = await t.addDevice('wearable.watch', retiree.id);
    watchClient = await t.connectDevice(watch);
    watchId = watch.device.id;
    await publish(watchClient, `eldercare/v1/${watchId}/telemetry`, { battery: 12 });
    const live = await eventually(() => pushed.find((message) => message.alert.kind === 'battery_low'));
    expect(live.change).toBe('opened');
    expect(live.alert).toMatchObject({ tone: 'notice', stage: 'notified', statusText: '已通知值班人员' });
    const page = await status();
    expect(page.state).toBe('notice');
    expect(page.headlineId).toBe(live.alert.id);
    expect(page.active).toStrictEqual([live.alert]);
    notice = live.alert;
  });

  it('walks an SOS from 已通知值班人员 to 已处理完毕, the push, the list and the headline saying the same', async () => {
    const sos: Alert = await pressSos(t, retiree, 'family-notice-sos-1');
    // The watch is taken off after the SOS: the newest alert, yet the SOS keeps the headline.
    await publish(watchClient, `eldercare/v1/${watchId}/event`, {
      id: 'family-notice-off-1',
      type: 'wearable_removed',
    });
    const later = await eventually(() => pushed.find((message) => message.alert.kind === 'wearable_removed'));
    expect(later.alert.tone).toBe('notice');
    expect(Date.parse(later.alert.openedAt)).toBeGreaterThanOrEqual(Date.parse(sos.openedAt));
    const steps: [FamilyAlert['stage'], FamilyStatus['state'], () => Promise<unknown>][] = [
      ['notified', 'alert_open', async () => {}],
      ['received', 'being_handled', () => t.api('POST', `/api/alerts/${sos.id}/ack`, {})],
      ['help_coming', 'being_handled', () => t.api('POST', `/api/alerts/${sos.id}/help-coming`, {})],
      [
        'handed_over',
        'being_handled',
        () =>
          t.api('POST', `/api/alerts/${sos.id}/actions`, {
            action: 'handed_to_120',
            handover: { address: '成都市青羊区军休路8号', condition: '胸痛', history: '冠心病' },
          }),
      ],
    ];
    for (const [stage, state, act] of steps) {
      const done = (await act()) as { status?: number } | undefined;
      if (done) expect(done.status).toBe(200);
      const [live, page] = await reached(sos.id, stage);
      expect(live).toMatchObject({ tone: 'emergency', stage, statusText: stageWords[stage] });
      // The emergency heads the page over the battery notice, in the words of its own entry.
      expect(page.state).toBe(state);
      expect(page.headlineId).toBe(sos.id);
      expect(page.active.find((alert) => alert.id === sos.id)).toStrictEqual(live);
      expect(page.recent.find((alert) => alert.id === sos.id)).toStrictEqual(live);
      expect(page.handledBy).toBe(live.handledBy);
      expect(page.active.find((alert) => alert.id === notice.id)?.tone).toBe('notice');
    }
    const resolved = await t.api('POST', `/api/alerts/${sos.id}/resolve`, {
      outcome: 'genuine',
      note: '已移交120送医',
    });
    expect(resolved.status).toBe(200);
    const [live, page] = await reached(sos.id, 'resolved');
    expect(live.statusText).toBe('已处理完毕');
    expect(page.recent.find((alert) => alert.id === sos.id)).toStrictEqual(live);
    // The notices are all that is left: the page is calm again, the newest of them in the headline.
    expect(page.state).toBe('notice');
    expect(page.headlineId).toBe(later.alert.id);
  });
});
