/**
 * The intake rules of the checklist without a database (server/intake/rules.ts): due dates counted
 * from the day a case is opened (across month ends and leap days), the checks on opening, changing
 * and completing a case, how a step moves between open, done and not applicable, and what a step
 * needs on record before it is done.
 */
import { describe, expect, it } from 'vitest';
import {
  caseChanges,
  checkCompletion,
  checklist,
  checkOpening,
  checkStepUpdate,
  STEP_NEEDS,
  stepChange,
} from '../../server/intake/rules.ts';
import { STEPS } from '../../server/intake/steps.ts';

const USER = '44444444-4444-4444-8444-444444444444';

describe('the intake checklist (6.1.1, 6.1.2)', () => {
  it('dues each step its allowed days after the day the case is opened', () => {
    const list = checklist('2028-01-30');
    expect(list.map((step) => step.seq)).toStrictEqual(STEPS.map((_, seq) => seq));
    expect(list.slice(0, 4)).toStrictEqual([
      { seq: 0, step: 'files_verified', required: true, dueOn: '2028-02-06' },
      { seq: 1, step: 'placement_decided', required: true, dueOn: '2028-02-06' },
      { seq: 2, step: 'pension_confirmed', required: true, dueOn: '2028-02-06' },
      { seq: 3, step: 'insurance_transferred', required: true, dueOn: '2028-02-29' },
    ]);
    expect(list.find((step) => step.step === 'social_security_card')).toStrictEqual({
      seq: 10,
      step: 'social_security_card',
      required: true,
      dueOn: '2028-03-30',
    });
    expect(checklist('2027-01-30').find((step) => step.step === 'insurance_transferred')?.dueOn).toBe(
      '2027-03-01',
    );
  });

  it('opens a case received on a day not after today, from a named sending unit', () => {
    const input = { retireeId: USER, receivedOn: '2026-03-01', sendingUnit: '某部' };
    expect(checkOpening(input, '2026-03-01').list).toStrictEqual([]);
    expect(
      checkOpening({ ...input, receivedOn: '2026-03-02', sendingUnit: ' ' }, '2026-03-01').list,
    ).toStrictEqual([
      { field: 'receivedOn', message: '接收日期不能晚于今天' },
      { field: 'sendingUnit', message: '请填写部队移交单位' },
    ]);
    expect(checkOpening({ ...input, receivedOn: '2026-02-29' }, '2026-03-01').list).toStrictEqual([
      { field: 'receivedOn', message: '接收日期不是有效日期' },
    ]);
  });

  it('names each change of a case’s details in order, trimmed', () => {
    expect(caseChanges({ note: ' 待补材料 ', sendingUnit: ' 某部 ', placement: '成都' })).toStrictEqual([
      ['sending_unit', '某部', '部队移交单位'],
      ['placement', '成都', '安置去向'],
      ['note', '待补材料', '备注'],
    ]);
    expect(caseChanges({})).toStrictEqual([]);
  });

  it('checks a step change: a done date only with done and not after today, a reason for not applicable', () => {
    expect(
      checkStepUpdate({ status: 'done', doneOn: '2026-03-01' }, 'files_verified', '2026-03-01').list,
    ).toStrictEqual([]);
    expect(
      checkStepUpdate({ doneOn: '2026-03-02', dueOn: '2026-02-30' }, 'files_verified', '2026-03-01').list,
    ).toStrictEqual([
      { field: 'doneOn', message: '办结日期只在标记办结时填写' },
      { field: 'doneOn', message: '办结日期不能晚于今天' },
      { field: 'dueOn', message: '期限不是有效日期' },
    ]);
    expect(checkStepUpdate({ status: 'not_applicable' }, 'files_verified', '2026-03-01').list).toStrictEqual([
      { field: 'status', message: '“核对移交档案材料”是必办事项，不能标记为不适用' },
      { field: 'note', message: '标记不适用时请写明理由' },
    ]);
    expect(
      checkStepUpdate(
        { status: 'not_applicable', note: '无党组织关系' },
        'organisation_relation',
        '2026-03-01',
      ).list,
    ).toStrictEqual([]);
  });

  it('writes what a step change sets and the history it leaves', () => {
    const open = { step: 'files_verified' as const, status: 'open', note: '' };
    expect(stepChange({ status: 'done' }, open, USER, '2026-03-01')).toStrictEqual({
      set: [
        ['status', 'done'],
        ['done_on', '2026-03-01'],
        ['done_by', USER],
      ],
      events: [['step_done', '核对移交档案材料：办结于 2026-03-01']],
    });
    const done = { ...open, status: 'done' };
    expect(stepChange({ status: 'done', doneOn: '2026-02-28' }, done, USER, '2026-03-01')).toStrictEqual({
      set: [
        ['done_on', '2026-02-28'],
        ['done_by', USER],
      ],
      events: [['step_done', '核对移交档案材料：办结日期改为 2026-02-28']],
    });
    expect(stepChange({ status: 'open', dueOn: '2026-03-31' }, done, USER, '2026-03-01')).toStrictEqual({
      set: [
        ['status', 'open'],
        ['done_on', null],
        ['done_by', null],
        ['due_on', '2026-03-31'],
      ],
      events: [
        ['step_reopened', '核对移交档案材料：重新打开'],
        ['step_due', '核对移交档案材料：期限改为 2026-03-31'],
      ],
    });
    const optional = { step: 'senior_card' as const, status: 'open', note: '' };
    expect(
      stepChange({ status: 'not_applicable', note: ' 已持有 ' }, optional, USER, '2026-03-01'),
    ).toStrictEqual({
      set: [
        ['status', 'not_applicable'],
        ['done_on', null],
        ['done_by', USER],
        ['note', '已持有'],
      ],
      events: [
        ['step_not_applicable', '协助办理老年优待证：不适用（已持有）'],
        ['step_note', '协助办理老年优待证：已持有'],
      ],
    });
    expect(stepChange({ note: '' }, { ...optional, note: '旧备注' }, USER, '2026-03-01')).toStrictEqual({
      set: [['note', '']],
      events: [['step_note', '协助办理老年优待证：（清空备注）']],
    });
    expect(stepChange({ note: '旧备注' }, { ...optional, note: '旧备注' }, USER, '2026-03-01')).toStrictEqual(
      {
        set: [],
        events: [],
      },
    );
  });

  it('names what four steps need on record before they are done', () => {
    expect(
      Object.fromEntries(Object.entries(STEP_NEEDS).map(([step, need]) => [step, need?.needs])),
    ).toStrictEqual({
      placement_decided: 'placement',
      pension_confirmed: 'pensionLevel',
      three_party_meeting: 'meeting',
      agreement_signed: 'signedAgreement',
    });
  });

  it('completes on a day not after today and not before the retiree was received', () => {
    expect(checkCompletion('2026-03-01', '2026-02-01', '2026-03-01').list).toStrictEqual([]);
    expect(checkCompletion('2026-03-02', '2026-02-01', '2026-03-01').list).toStrictEqual([
      { field: 'completedOn', message: '完成日期不能晚于今天' },
    ]);
    expect(checkCompletion('2026-01-31', '2026-02-01', '2026-03-01').list).toStrictEqual([
      { field: 'completedOn', message: '完成日期不能早于接收日期' },
    ]);
  });
});
