/**
 * The centre's deadlines (时限) on a real hub, on both record engines: every area's deadline is
 * listed with its default; a manager's change dates the work made after it (a reply, an intake
 * case's steps, a death's checklist, the test-press interval), the work dated before keeps its
 * date, and who changed it shows; a bad change is refused and changes nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { addDays, centreDay } from '../../server/calendar.ts';
import type {
  ButtonTest,
  Deadline,
  DeathResult,
  ReceptionItem,
  WorkList,
} from '../../server/schemas/index.ts';
import type { IntakeCase } from '../../server/schemas/intake.ts';
import { hubEngines } from '../helpers/engines.ts';
import { created, read } from '../helpers/hub.ts';
import { type SignedIn, suiteHub } from '../helpers/suite.ts';

const { engines, stop } = await hubEngines();
afterAll(stop);

const KEYS = [
  'abroad.approval_days',
  'benefits.approval_days',
  'bereavement.step_days',
  'emergency.review_notice_days',
  'evaluation.action_notice_days',
  'intake.step_days',
  'medical.approval_days',
  'medical.check_notice_days',
  'pay.claim_days',
  'pay.run_day',
  'reception.reply_days',
  'requests.done_days',
  'requests.test_interval_days',
  'staff.certificate_notice_days',
  'staff.data_protection_days',
  'visits.comfort_days',
];

for (const engine of engines)
  describe.skipIf(engine.skip)(`the centre's deadlines on ${engine.name}`, () => {
    const t = suiteHub(() => engine.env());
    const today = centreDay(new Date());
    let caseworker: SignedIn;
    let supervisor: SignedIn;

    const deadline = async (key: string): Promise<Deadline> => {
      const found = (await read<Deadline[]>(t, '/api/settings/deadlines')).find((entry) => entry.key === key);
      if (!found) throw new Error(`no deadline ${key}`);
      return found;
    };
    const change = (key: string, value: unknown, token = supervisor.token) =>
      t.api<Deadline>('PUT', `/api/settings/deadlines/${key}`, { value }, token);

    it('lists every area’s deadline with its default, for every member of staff', async () => {
      caseworker = await t.addStaff('cw.deadlines', 'caseworker');
      supervisor = await t.addStaff('sup.deadlines', 'supervisor');
      const list = await read<Deadline[]>(t, '/api/settings/deadlines', caseworker.token);
      expect(list.map((entry) => entry.key)).toStrictEqual(KEYS);
      expect(list.find((entry) => entry.key === 'reception.reply_days')).toMatchObject({
        kind: 'days',
        defaultDays: 15,
        days: 15,
        clause: '6.2.2.10',
        updatedBy: null,
      });
      const intake = list.find((entry) => entry.key === 'intake.step_days');
      expect(intake?.kind).toBe('steps');
      expect(intake?.steps.find((step) => step.step === 'files_verified')).toMatchObject({
        title: '核对移交档案材料',
        defaultDays: 7,
        days: 7,
      });
    });

    it('dates a letter registered after the change by it; one registered before keeps its date', async () => {
      const before = await created<ReceptionItem>(t, '/api/reception/items', {
        channel: 'letter',
        fromName: '王振国',
        content: '询问待遇',
      });
      expect(before.replyDueOn).toBe(addDays(before.receivedOn, 15));

      const changed = await change('reception.reply_days', 10);
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      expect(changed.body).toMatchObject({ days: 10, defaultDays: 15, updatedBy: expect.any(String) });
      expect(changed.body.updatedAt).not.toBeNull();

      const after = await created<ReceptionItem>(t, '/api/reception/items', {
        channel: 'call',
        fromName: '李华',
        content: '咨询体检安排',
      });
      expect(after.replyDueOn).toBe(addDays(after.receivedOn, 10));
      // A letter given its own days keeps them.
      const own = await created<ReceptionItem>(t, '/api/reception/items', {
        channel: 'letter',
        fromName: '赵刚',
        content: '反映住房问题',
        replyDays: 30,
      });
      expect(own.replyDueOn).toBe(addDays(own.receivedOn, 30));
      const items = await read<ReceptionItem[]>(t, '/api/reception/items');
      expect(items.find((item) => item.id === before.id)?.replyDueOn).toBe(before.replyDueOn);
    });

    it('dates the steps of a case and of a death by the days the centre set for them, the rest by default', async () => {
      const steps = await change('intake.step_days', { files_verified: 3 });
      expect(steps.status, JSON.stringify(steps.body)).toBe(200);
      expect(steps.body.steps.find((step) => step.step === 'files_verified')?.days).toBe(3);
      expect(steps.body.steps.find((step) => step.step === 'placement_decided')?.days).toBe(7);
      // A second change of another step keeps the first.
      await change('intake.step_days', { placement_decided: 5 });
      expect(
        (await deadline('intake.step_days')).steps.find((step) => step.step === 'files_verified')?.days,
      ).toBe(3);

      const retiree = await t.addRetiree({ name: '周海' });
      const opened = await created<IntakeCase>(t, '/api/intake/cases', {
        retireeId: retiree.id,
        receivedOn: today,
        sendingUnit: '某部队政治工作部',
      });
      const due = (step: string) => opened.steps.find((entry) => entry.step === step)?.dueOn;
      expect(due('files_verified')).toBe(addDays(today, 3));
      expect(due('placement_decided')).toBe(addDays(today, 5));
      expect(due('pension_confirmed')).toBe(addDays(today, 7));

      await change('bereavement.step_days', { obituary: 2 });
      const gone = await t.addRetiree({ name: '冯志远' });
      const death = await created<DeathResult>(t, '/api/bereavement', {
        retireeId: gone.id,
        diedOn: today,
        place: '医院',
      });
      const stepDue = (step: string) => death.death.steps.find((entry) => entry.step === step)?.dueOn;
      expect(stepDue('obituary')).toBe(addDays(today, 2));
      expect(stepDue('life_story')).toBe(addDays(today, 5));
    });

    it('tests the keys on the interval the centre set, in the button list and on the work list', async () => {
      const retiree = await t.addRetiree({ name: '韩守仁' });
      const pendant = await t.addDevice('pendant.sos', retiree.id);
      // A test press 10 days ago: not due on a 30-day interval, due on a 7-day one.
      await t.hub.db.query(`insert into button_tests (device_id, last_test_at) values ($1, $2)`, [
        pendant.device.id,
        new Date(Date.now() - 10 * 86_400_000),
      ]);
      const overdue = async () =>
        (await read<ButtonTest[]>(t, '/api/button-tests?overdue=true')).some(
          (entry) => entry.deviceId === pendant.device.id,
        );
      const onList = async () =>
        (await read<WorkList>(t, `/api/worklist?all=true&date=${today}`)).items.some(
          (item) => item.source === 'button_test' && item.id === pendant.device.id,
        );
      expect(await overdue()).toBe(false);
      expect(await onList()).toBe(false);
      expect((await change('requests.test_interval_days', 7)).status).toBe(200);
      expect(await overdue()).toBe(true);
      expect(await onList()).toBe(true);
    });

    it('refuses a change from a caseworker, out of bounds, of no such step or deadline; nothing changes', async () => {
      const refusals: [string, unknown, string | undefined, number][] = [
        ['reception.reply_days', 20, caseworker.token, 403],
        ['reception.reply_days', 0, undefined, 400],
        ['reception.reply_days', 366, undefined, 400],
        ['reception.reply_days', { files_verified: 3 }, undefined, 400],
        ['intake.step_days', 5, undefined, 400],
        ['intake.step_days', { no_such_step: 3 }, undefined, 400],
        ['intake.step_days', { files_verified: -1 }, undefined, 400],
        ['no.such_deadline', 5, undefined, 404],
      ];
      for (const [key, value, token, status] of refusals) {
        const answer = await change(key, value, token ?? supervisor.token);
        expect(answer.status, `${key} ${JSON.stringify(value)}: ${JSON.stringify(answer.body)}`).toBe(status);
      }
      expect((await deadline('reception.reply_days')).days).toBe(10);
      expect(
        (await deadline('intake.step_days')).steps.find((step) => step.step === 'files_verified')?.days,
      ).toBe(3);
    });
  });
