/**
 * Intake (6.1) through its rules and its service on PGlite and PostgreSQL: the steps and what each
 * needs, the meeting and the agreement, the medical term, cases that cannot close, the work list.
 * Long on purpose: the cases follow one intake from opening to closing on one database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FieldErrors } from '../../server/archive/store.ts';
import type { Database } from '../../server/db/database.ts';
import { checkAgreement, checkMeeting, medicalTerm, missingSteps } from '../../server/intake/rules.ts';
import { IncompleteCase, IntakeService } from '../../server/intake/service.ts';
import { STEPS } from '../../server/intake/steps.ts';
import { IntakeStepProvider } from '../../server/intake/worklist.ts';
import type { User } from '../../server/schemas/auth.ts';
import type { AgreementInput, IntakeCase, MeetingInput } from '../../server/schemas/intake.ts';
import type { WorkItem } from '../../server/schemas/worklist.ts';
import { WHOLE_CENTRE } from '../../server/store/scope.ts';
import { recordEngines } from '../helpers/engines.ts';
import { seedRetiree, seedStaff } from '../helpers/seed.ts';
import { beijing } from '../helpers/service.ts';
import { makeTempDir } from '../helpers/tmp.ts';

const meeting: MeetingInput = {
  heldOn: '2026-03-02',
  place: '中心二楼会议室',
  centreName: '成都市第一军休服务管理中心',
  unitName: '某部队政治工作部',
  retireeSide: 'retiree',
  retireeSideName: '张建军',
  attendees: [
    { name: '李主任', side: 'centre', title: '中心主任' },
    { name: '王干事', side: 'unit' },
    { name: '张建军', side: 'retiree' },
  ],
  notes: '核对档案材料和各项待遇，无异议',
};

const agreement: AgreementInput = {
  centreName: '成都市第一军休服务管理中心',
  unitName: '某部队政治工作部',
  retireeSide: 'retiree',
  retireeSideName: '张建军',
  medicalBearer: 'sending_unit',
  medicalUntil: 'card_issued',
  otherTerms: ['乙方于本协议签订后十日内移交全部档案材料'],
  signatories: [
    { party: 'centre', name: '李主任' },
    { party: 'unit', name: '王干事' },
    { party: 'retiree', name: '张建军' },
  ],
  signedOn: '2026-03-02',
};

describe('intake rules without a database', () => {
  it('wants all three parties at the meeting', () => {
    expect(checkMeeting(meeting, '2026-03-02').list).toStrictEqual([]);
    const twoSides = checkMeeting({ ...meeting, attendees: meeting.attendees.slice(0, 2) }, '2026-03-02');
    expect(twoSides.list).toStrictEqual([
      { field: 'attendees', message: '“三方”见面会须有三方人员参加，缺少：移交对象（或其监护人）' },
    ]);
    const future = checkMeeting(meeting, '2026-03-01');
    expect(future.list.map((p) => p.field)).toStrictEqual(['heldOn']);
    const guardian = checkMeeting({ ...meeting, retireeSide: 'guardian' }, '2026-03-02');
    expect(guardian.list.map((p) => p.field)).toStrictEqual(['guardianRelation']);
  });

  it('checks the agreement terms of 6.1.2.6 field by field', () => {
    expect(checkAgreement(agreement, '2026-03-01', '2026-03-02').list).toStrictEqual([]);
    const noDate = checkAgreement({ ...agreement, medicalUntil: 'date' }, '2026-03-01', '2026-03-02');
    expect(noDate.list).toStrictEqual([
      { field: 'medicalUntilDate', message: '请填写医疗保障责任的截止日期' },
    ]);
    const early = checkAgreement(
      { ...agreement, medicalUntil: 'date', medicalUntilDate: '2026-02-28' },
      '2026-03-01',
      '2026-03-02',
    );
    expect(early.list.map((p) => p.field)).toStrictEqual(['medicalUntilDate']);
    const both = checkAgreement({ ...agreement, medicalUntilDate: '2026-06-30' }, '2026-03-01', '2026-03-02');
    expect(both.list.map((p) => p.field)).toStrictEqual(['medicalUntilDate']);
    const unsigned = checkAgreement(
      { ...agreement, signatories: [{ party: 'centre', name: '李主任' }] },
      '2026-03-01',
      '2026-03-02',
    );
    expect(unsigned.list).toStrictEqual([
      { field: 'signatories', message: '签订协议须有三方签字人，缺少：部队移交单位、移交对象' },
    ]);
    // A draft (no signed date) needs no signatories yet.
    expect(
      checkAgreement({ ...agreement, signatories: [], signedOn: null }, '2026-03-01', '2026-03-02').list,
    ).toStrictEqual([]);
    const tomorrow = checkAgreement(agreement, '2026-03-01', '2026-03-01');
    expect(tomorrow.list).toStrictEqual([{ field: 'signedOn', message: '签订日期不能晚于今天' }]);
    const blankTerm = checkAgreement({ ...agreement, otherTerms: ['  '] }, '2026-03-01', '2026-03-02');
    expect(blankTerm.list.map((p) => p.field)).toStrictEqual(['otherTerms.0']);
  });

  it('writes the medical-cost term with its bearer and end', () => {
    expect(medicalTerm('sending_unit', 'card_issued', null)).toBe(
      '军休干部（士官）社会保障卡办妥之前，其医疗保障责任单位为部队移交单位，医疗费用由部队移交单位承担，至社会保障卡办妥之日止。',
    );
    expect(medicalTerm('centre', 'date', '2026-06-30')).toContain('由军休机构承担，至2026年6月30日止');
  });

  it('names what blocks completion: required steps not done, any step still open', () => {
    const steps = STEPS.map((s) => ({ step: s.step, required: s.required, status: 'done' as const }));
    expect(missingSteps(steps)).toStrictEqual([]);
    const withOpen = steps.map((s) =>
      s.step === 'welcome_meeting' || s.step === 'senior_card' ? { ...s, status: 'open' as const } : s,
    );
    expect(missingSteps(withOpen).map((m) => m.step)).toStrictEqual(['senior_card', 'welcome_meeting']);
    const notApplicable = steps.map((s) =>
      s.step === 'disabled_veteran_card' ? { ...s, status: 'not_applicable' as const } : s,
    );
    expect(missingSteps(notApplicable)).toStrictEqual([]);
  });
});

const { engines, stop } = await recordEngines();
afterAll(stop);

for (const engine of engines) {
  describe.skipIf(engine.skip)(`intake on ${engine.name}`, () => {
    let db: Database;
    let close: () => Promise<void>;
    let caseworker: User;
    let other: User;
    let clock = beijing('2026-03-01T09:00:00');
    const now = () => clock;
    let dataDir: { path: string; remove: () => Promise<void> };
    let intake: IntakeService;

    const addRetiree = (name: string, station = '', status = 'active') =>
      seedRetiree(db, { name, station, status, birthDate: '1960-05-01' });

    async function fieldErrors(work: Promise<unknown>) {
      const error = await work.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(FieldErrors);
      return (error as FieldErrors).errors;
    }

    beforeAll(async () => {
      ({ db, close } = await engine.open());
      dataDir = await makeTempDir('junxiu-intake-');
      intake = new IntakeService(db, now, { dataDir: dataDir.path });
      caseworker = await seedStaff(db, 'cw', '李社工');
      other = await seedStaff(db, 'cw2', '赵社工');
    });

    afterAll(async () => {
      await close?.();
      await dataDir?.remove();
    });

    it('opens one case per retiree with the checklist of 6.1.1 a)–e), due from the day it is opened', async () => {
      clock = new Date('2026-02-28T23:30:00Z');
      const retireeId = await addRetiree('张建军');
      // 23:30 on 28 Feb UTC is already 1 March in Beijing: the received day may be today, not tomorrow.
      const future = await fieldErrors(
        intake.open(
          { retireeId, receivedOn: '2026-03-02', sendingUnit: '某部队政治工作部' },
          caseworker.id,
          WHOLE_CENTRE,
        ),
      );
      expect(future).toStrictEqual([{ field: 'receivedOn', message: '接收日期不能晚于今天' }]);
      const blank = await fieldErrors(
        intake.open(
          { retireeId, receivedOn: '2026-02-30', sendingUnit: '  ', ownerId: 'nobody' },
          caseworker.id,
          WHOLE_CENTRE,
        ),
      );
      expect(blank.map((e) => e.field)).toStrictEqual(['receivedOn', 'sendingUnit', 'ownerId']);
      expect(await db.query('select id from intake_cases where retiree_id = $1', [retireeId])).toHaveLength(
        0,
      );

      const opened = await intake.open(
        { retireeId, receivedOn: '2026-03-01', sendingUnit: '某部队政治工作部' },
        caseworker.id,
        WHOLE_CENTRE,
      );
      expect(opened).toMatchObject({ status: 'open', receivedOn: '2026-03-01', ownerId: caseworker.id });
      expect(opened.steps.map((s) => s.step)).toStrictEqual(STEPS.map((s) => s.step));
      expect(opened.steps.find((s) => s.step === 'files_verified')).toMatchObject({
        item: 'a',
        dueOn: '2026-03-08',
        status: 'open',
        required: true,
      });
      expect(opened.steps.find((s) => s.step === 'social_security_card')?.dueOn).toBe('2026-04-30');
      expect(opened.history.map((e) => [e.action, e.byId])).toStrictEqual([['opened', caseworker.id]]);

      await expect(
        intake.open(
          { retireeId, receivedOn: '2026-03-01', sendingUnit: '另一单位' },
          caseworker.id,
          WHOLE_CENTRE,
        ),
      ).rejects.toMatchObject({ statusCode: 409 });

      const deceased = await addRetiree('已故者', '', 'deceased');
      await expect(
        intake.open(
          { retireeId: deceased, receivedOn: '2026-03-01', sendingUnit: '某部' },
          caseworker.id,
          WHOLE_CENTRE,
        ),
      ).rejects.toMatchObject({ statusCode: 409 });
    });

    it('ticks steps with a done date never in the future, reopens them, and keeps every change', async () => {
      clock = beijing('2026-03-01T09:00:00');
      const retireeId = await addRetiree('刘志远');
      const opened = await intake.open(
        { retireeId, receivedOn: '2026-02-27', sendingUnit: '某部' },
        caseworker.id,
        WHOLE_CENTRE,
      );
      const files = opened.steps.find((s) => s.step === 'files_verified')!;
      const future = await fieldErrors(
        intake.updateStep(files.id, { status: 'done', doneOn: '2026-03-02' }, caseworker.id, WHOLE_CENTRE),
      );
      expect(future).toStrictEqual([{ field: 'doneOn', message: '办结日期不能晚于今天' }]);
      const done = await intake.updateStep(
        files.id,
        { status: 'done', doneOn: '2026-02-28', note: '档案材料齐全' },
        caseworker.id,
        WHOLE_CENTRE,
      );
      expect(done.steps.find((s) => s.id === files.id)).toMatchObject({
        status: 'done',
        doneOn: '2026-02-28',
        doneById: caseworker.id,
        doneByName: '李社工',
        note: '档案材料齐全',
      });
      const reopened = await intake.updateStep(files.id, { status: 'open' }, other.id, WHOLE_CENTRE);
      expect(reopened.steps.find((s) => s.id === files.id)).toMatchObject({ status: 'open', doneOn: null });
      expect(reopened.history.map((e) => [e.action, e.byName, e.stepId])).toStrictEqual([
        ['opened', '李社工', null],
        ['step_done', '李社工', files.id],
        ['step_note', '李社工', files.id],
        ['step_reopened', '赵社工', files.id],
      ]);
      expect(reopened.history.at(-1)?.at).toBe(clock.toISOString());

      // A required step is never "not applicable"; an optional one is, with its reason.
      const id = opened.steps.find((s) => s.step === 'id_card')!;
      const refused = await fieldErrors(
        intake.updateStep(id.id, { status: 'not_applicable', note: '已有' }, caseworker.id, WHOLE_CENTRE),
      );
      expect(refused.map((e) => e.field)).toStrictEqual(['status']);
      const card = opened.steps.find((s) => s.step === 'disabled_veteran_card')!;
      expect(
        (
          await fieldErrors(
            intake.updateStep(card.id, { status: 'not_applicable' }, caseworker.id, WHOLE_CENTRE),
          )
        )[0]?.field,
      ).toBe('note');
      const na = await intake.updateStep(
        card.id,
        { status: 'not_applicable', note: '非残疾军人' },
        caseworker.id,
        WHOLE_CENTRE,
      );
      expect(na.steps.find((s) => s.id === card.id)?.status).toBe('not_applicable');

      // Placement and pension level are done only once written down.
      const placement = opened.steps.find((s) => s.step === 'placement_decided')!;
      await expect(
        intake.updateStep(placement.id, { status: 'done' }, caseworker.id, WHOLE_CENTRE),
      ).rejects.toMatchObject({ statusCode: 409 });
      await intake.update(
        opened.id,
        { placement: '成都市第一军休服务管理中心' },
        caseworker.id,
        WHOLE_CENTRE,
      );
      const placed = await intake.updateStep(placement.id, { status: 'done' }, caseworker.id, WHOLE_CENTRE);
      expect(placed.steps.find((s) => s.id === placement.id)).toMatchObject({
        status: 'done',
        doneOn: '2026-03-01',
      });

      // Overdue once the due day has passed (Beijing dates).
      clock = beijing('2026-03-09T00:30:00');
      const later = await intake.get(opened.id, WHOLE_CENTRE);
      expect(later.steps.find((s) => s.id === files.id)?.overdue).toBe(true);
      expect(later.overdueSteps).toBeGreaterThan(0);
    });

    it('records the meeting and the agreement, ticking their steps on their days; a signed agreement is fixed', async () => {
      clock = beijing('2026-03-02T15:00:00');
      const retireeId = await addRetiree('陈光明');
      const opened = await intake.open(
        { retireeId, receivedOn: '2026-03-01', sendingUnit: '某部队政治工作部', pensionLevel: '正师职标准' },
        caseworker.id,
        WHOLE_CENTRE,
      );
      const meetingStep = opened.steps.find((s) => s.step === 'three_party_meeting')!;
      await expect(
        intake.updateStep(meetingStep.id, { status: 'done' }, caseworker.id, WHOLE_CENTRE),
      ).rejects.toMatchObject({ statusCode: 409, message: expect.stringContaining('三方') });
      const badMeeting = await fieldErrors(
        intake.saveMeeting(
          opened.id,
          { ...meeting, heldOn: '2026-03-03', attendees: [] },
          caseworker.id,
          WHOLE_CENTRE,
        ),
      );
      expect(badMeeting.map((e) => e.field)).toStrictEqual(['heldOn', 'attendees']);
      expect(await db.query('select 1 from intake_meetings where case_id = $1', [opened.id])).toHaveLength(0);

      const met = await intake.saveMeeting(opened.id, meeting, caseworker.id, WHOLE_CENTRE);
      expect(met.meeting).toMatchObject({
        heldOn: '2026-03-02',
        place: '中心二楼会议室',
        retireeSide: 'retiree',
      });
      expect(met.meeting?.attendees).toHaveLength(3);
      expect(met.steps.find((s) => s.step === 'three_party_meeting')).toMatchObject({
        status: 'done',
        doneOn: '2026-03-02',
      });

      const draft = await intake.saveAgreement(
        opened.id,
        { ...agreement, signedOn: null, signatories: [] },
        caseworker.id,
        WHOLE_CENTRE,
      );
      expect(draft.agreement).toMatchObject({
        signedOn: null,
        medicalBearerName: '部队移交单位',
        pensionLevel: '正师职标准',
      });
      expect(draft.steps.find((s) => s.step === 'agreement_signed')?.status).toBe('open');
      const signed = await intake.saveAgreement(
        opened.id,
        { ...agreement, medicalBearer: 'centre', medicalUntil: 'date', medicalUntilDate: '2026-06-30' },
        caseworker.id,
        WHOLE_CENTRE,
      );
      expect(signed.agreement).toMatchObject({
        signedOn: '2026-03-02',
        medicalBearer: 'centre',
        medicalUntilDate: '2026-06-30',
      });
      expect(signed.agreement?.medicalTerm).toContain('至2026年6月30日止');
      expect(signed.steps.find((s) => s.step === 'agreement_signed')).toMatchObject({
        status: 'done',
        doneOn: '2026-03-02',
      });
      await expect(
        intake.saveAgreement(opened.id, agreement, caseworker.id, WHOLE_CENTRE),
      ).rejects.toMatchObject({
        statusCode: 409,
      });
    });

    it('completes only when every required step is done, then marks the archive record as entered', async () => {
      clock = beijing('2026-03-10T10:00:00');
      const retireeId = await addRetiree('周国强');
      let current: IntakeCase = await intake.open(
        {
          retireeId,
          receivedOn: '2026-03-05',
          sendingUnit: '某部',
          placement: '第一军休所',
          pensionLevel: '正团职标准',
        },
        caseworker.id,
        WHOLE_CENTRE,
      );
      const blocked = await intake
        .complete(current.id, {}, caseworker.id, WHOLE_CENTRE)
        .catch((e: unknown) => e);
      expect(blocked).toBeInstanceOf(IncompleteCase);
      expect((blocked as IncompleteCase).missing).toHaveLength(STEPS.length);
      expect((blocked as IncompleteCase).message).toContain('核对移交档案材料');

      current = await intake.saveMeeting(
        current.id,
        { ...meeting, heldOn: '2026-03-06' },
        caseworker.id,
        WHOLE_CENTRE,
      );
      current = await intake.saveAgreement(
        current.id,
        { ...agreement, signedOn: '2026-03-06' },
        caseworker.id,
        WHOLE_CENTRE,
      );
      for (const step of current.steps) {
        if (step.status !== 'open' || step.step === 'welcome_meeting') continue;
        current = await intake.updateStep(
          step.id,
          step.required ? { status: 'done' } : { status: 'not_applicable', note: '不适用' },
          caseworker.id,
          WHOLE_CENTRE,
        );
      }
      const one = await intake.complete(current.id, {}, caseworker.id, WHOLE_CENTRE).catch((e: unknown) => e);
      expect((one as IncompleteCase).missing).toStrictEqual([
        { step: 'welcome_meeting', title: '召开欢迎会，介绍情况，参观军休机构', status: 'open' },
      ]);
      const welcome = current.steps.find((s) => s.step === 'welcome_meeting')!;
      await intake.updateStep(
        welcome.id,
        { status: 'done', doneOn: '2026-03-09' },
        caseworker.id,
        WHOLE_CENTRE,
      );

      const tooLate = await fieldErrors(
        intake.complete(current.id, { completedOn: '2026-03-11' }, caseworker.id, WHOLE_CENTRE),
      );
      expect(tooLate).toStrictEqual([{ field: 'completedOn', message: '完成日期不能晚于今天' }]);
      const completed = await intake.complete(current.id, {}, caseworker.id, WHOLE_CENTRE);
      expect(completed).toMatchObject({
        status: 'complete',
        completedOn: '2026-03-10',
        archiveEnteredOn: '2026-03-10',
      });
      const [retiree] = await db.query<{ archive_entered_on: string }>(
        'select archive_entered_on::text as archive_entered_on from retirees where id = $1',
        [retireeId],
      );
      expect(retiree?.archive_entered_on).toBe('2026-03-10');
      const changes = await db.query<{ field: string; new_value: string; changed_by: string }>(
        `select field, new_value, changed_by from archive_changes where retiree_id = $1`,
        [retireeId],
      );
      expect(changes).toStrictEqual([
        { field: 'archiveEnteredOn', new_value: '2026-03-10', changed_by: caseworker.id },
      ]);

      // Complete: nothing changes any more; a new case may be opened.
      await expect(
        intake.updateStep(welcome.id, { status: 'open' }, caseworker.id, WHOLE_CENTRE),
      ).rejects.toMatchObject({ statusCode: 409 });
      await expect(intake.complete(current.id, {}, caseworker.id, WHOLE_CENTRE)).rejects.toMatchObject({
        statusCode: 409,
      });
      const list = await intake.list({ status: 'complete', retireeId }, WHOLE_CENTRE);
      expect(list.items.map((c) => [c.retireeName, c.stepsDone, c.stepsTotal])).toStrictEqual([
        ['周国强', STEPS.length, STEPS.length],
      ]);
    });

    it('lists overdue and due-today steps on the work list, for the case owner', async () => {
      clock = beijing('2026-04-01T09:00:00');
      const retireeId = await addRetiree('吴德厚');
      const opened = await intake.open(
        { retireeId, receivedOn: '2026-04-01', sendingUnit: '某部', ownerId: other.id },
        caseworker.id,
        WHOLE_CENTRE,
      );
      const provider = new IntakeStepProvider(db);
      const mine = (items: WorkItem[]) => items.filter((i) => i.retireeId === retireeId);
      // Nothing is due on the day it is opened.
      expect(mine(await provider.items({ date: '2026-04-01', ownerId: null }))).toStrictEqual([]);
      const dueDay = await provider.items({ date: '2026-04-08', ownerId: other.id });
      expect(mine(dueDay).map((i) => [i.title, i.dueDate, i.overdue])).toStrictEqual([
        ['接收安置：核对移交档案材料', '2026-04-08', false],
        ['接收安置：审定安置去向', '2026-04-08', false],
        ['接收安置：核准个人离休退休费标准', '2026-04-08', false],
      ]);
      expect(mine(await provider.items({ date: '2026-04-08', ownerId: caseworker.id }))).toStrictEqual([]);
      const files = opened.steps.find((s) => s.step === 'files_verified')!;
      await intake.updateStep(files.id, { status: 'done' }, other.id, WHOLE_CENTRE);
      const nextDay = mine(await provider.items({ date: '2026-04-09', ownerId: null }));
      expect(nextDay.map((i) => [i.title, i.overdue])).toStrictEqual([
        ['接收安置：审定安置去向', true],
        ['接收安置：核准个人离休退休费标准', true],
      ]);
    });

    it('keeps a caseworker of a station to that station’s retirees', async () => {
      clock = beijing('2026-04-01T09:00:00');
      const east = await addRetiree('东站老人', '东站');
      const west = await addRetiree('西站老人', '西站');
      const eastScope = { station: '东站' };
      const eastCase = await intake.open(
        { retireeId: east, receivedOn: '2026-04-01', sendingUnit: '某部' },
        caseworker.id,
        eastScope,
      );
      await expect(
        intake.open(
          { retireeId: west, receivedOn: '2026-04-01', sendingUnit: '某部' },
          caseworker.id,
          eastScope,
        ),
      ).rejects.toMatchObject({ statusCode: 404 });
      const westCase = await intake.open(
        { retireeId: west, receivedOn: '2026-04-01', sendingUnit: '某部' },
        caseworker.id,
        WHOLE_CENTRE,
      );
      await expect(intake.get(westCase.id, eastScope)).rejects.toMatchObject({ statusCode: 404 });
      await expect(
        intake.updateStep(westCase.steps[0]!.id, { status: 'done' }, caseworker.id, eastScope),
      ).rejects.toMatchObject({ statusCode: 404 });
      const listed = await intake.list({}, eastScope);
      expect(listed.items.map((c) => c.id)).toStrictEqual([eastCase.id]);
      expect(listed.total).toBe(1);
    });
  });
}
