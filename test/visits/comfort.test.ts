/**
 * Visits the monitoring raises, on a real hub: comfort after an incident (5.1.7) — an SOS resolved
 * as genuine raises one visit to comfort the retiree, due within the centre's deadline and on the
 * station caseworkers' work lists until one takes it on; a false alarm raises none; the deadline
 * is the centre's to change — and a hand-over to 120 naming the hospital records the admission,
 * which raises the hospital visit (6.8.2.2).
 */
import { describe, expect, it } from 'vitest';
import { addDays, centreDay } from '../../server/calendar.ts';
import type { Alert, VisitTask, WorkList } from '../../server/schemas/index.ts';
import { eventually, pressSos, read } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

describe('visits raised by the monitoring', () => {
  const t = suiteHub();
  const today = centreDay(new Date());

  const comfortTasks = (retireeId: string) =>
    read<VisitTask[]>(t, `/api/visits/tasks?retireeId=${retireeId}&reason=comfort`);

  async function resolved(alert: Alert, outcome: string): Promise<void> {
    const answer = await t.api('POST', `/api/alerts/${alert.id}/resolve`, { outcome, note: '已处置' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  }

  it('raises one visit when an SOS is resolved as genuine, on the caseworkers’ lists until one takes it', async () => {
    const caseworker = await t.addStaff('cw.comfort', 'caseworker');
    const operator = await t.addStaff('op.comfort', 'operator');
    const retiree = await t.addRetiree({ name: '陈立新' });
    const alert = await pressSos(t, retiree, 'comfort-sos-1');
    await resolved(alert, 'genuine');

    const [task] = await eventually(async () => {
      const tasks = await comfortTasks(retiree.id);
      return tasks.length ? tasks : undefined;
    });
    expect(task).toMatchObject({
      reason: 'comfort',
      status: 'open',
      dueOn: addDays(today, 3),
      assigneeId: null,
      title: expect.stringContaining('心理慰藉'),
    });
    const onList = async (token: string) =>
      (await read<WorkList>(t, '/api/worklist', token)).items.some((item) => item.id === task?.id);
    expect(await onList(caseworker.token)).toBe(true);
    // The monitoring desk does not visit.
    expect(await onList(operator.token)).toBe(false);

    // Taken on by another caseworker: no longer on this one's list.
    const other = await t.addStaff('cw.comfort2', 'caseworker');
    const taken = await t.api('PATCH', `/api/visits/tasks/${task?.id}`, { assigneeId: other.id });
    expect(taken.status, JSON.stringify(taken.body)).toBe(200);
    expect(await onList(caseworker.token)).toBe(false);
    expect(await onList(other.token)).toBe(true);
    expect(await comfortTasks(retiree.id)).toHaveLength(1);
  });

  it('raises none for a false alarm, and dates the visit by the centre’s deadline', async () => {
    const quiet = await t.addRetiree({ name: '赵永福' });
    const falseAlarm = await pressSos(t, quiet, 'comfort-sos-2');
    await resolved(falseAlarm, 'false_alarm');

    expect((await t.api('PUT', '/api/settings/deadlines/visits.comfort_days', { value: 1 })).status).toBe(
      200,
    );
    const shaken = await t.addRetiree({ name: '孙建军' });
    const genuine = await pressSos(t, shaken, 'comfort-sos-3');
    await resolved(genuine, 'genuine');
    const [task] = await eventually(async () => {
      const tasks = await comfortTasks(shaken.id);
      return tasks.length ? tasks : undefined;
    });
    expect(task?.dueOn).toBe(addDays(today, 1));
    // The false alarm, resolved first, raised nothing.
    expect(await comfortTasks(quiet.id)).toStrictEqual([]);
  });

  it('records the admission when a hand-over to 120 names the hospital, raising the hospital visit', async () => {
    const retiree = await t.addRetiree({ name: '钱德明' });
    const alert = await pressSos(t, retiree, 'comfort-sos-120');
    const handover = (hospital?: string) =>
      t.api('POST', `/api/alerts/${alert.id}/actions`, {
        action: 'handed_to_120',
        handover: { address: '成都市青羊区军休路8号', condition: '胸痛', history: '冠心病', hospital },
      });
    const answer = await handover('四川省人民医院');
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const [visit] = await read<VisitTask[]>(t, `/api/visits/tasks?retireeId=${retiree.id}&reason=hospital`);
    expect(visit).toMatchObject({
      status: 'open',
      assigneeId: null,
      dueOn: addDays(today, 3),
      title: expect.stringContaining('四川省人民医院'),
    });
    const admissions = await read<{ hospital: string; admittedOn: string; note: string }[]>(
      t,
      `/api/visits/admissions?retireeId=${retiree.id}`,
    );
    expect(admissions).toEqual([
      expect.objectContaining({
        hospital: '四川省人民医院',
        admittedOn: today,
        note: expect.stringContaining(alert.id),
      }),
    ]);

    // Without a hospital the hand-over records no admission.
    const other = await t.addRetiree({ name: '周海' });
    const second = await pressSos(t, other, 'comfort-sos-120b');
    const plain = await t.api('POST', `/api/alerts/${second.id}/actions`, {
      action: 'handed_to_120',
      handover: { address: '军休路9号', condition: '摔倒', history: '' },
    });
    expect(plain.status).toBe(200);
    expect(await read(t, `/api/visits/admissions?retireeId=${other.id}`)).toStrictEqual([]);
  });
});
