/**
 * The visit rules without a database (server/visits/rules.ts): when campaigns, admission visits and
 * the monthly focus visit open and fall due — across month ends and leap days —, what a record must
 * hold, and which changes a task or follow-up allows. Today's date is given, never read.
 */
import { describe, expect, it } from 'vitest';
import { HubError } from '../../server/errors.ts';
import type { VisitRecordInput } from '../../server/schemas/visits.ts';
import * as rules from '../../server/visits/rules.ts';

/** The refusal `run` throws, as the API sends it. */
function refusal(run: () => unknown): { status: number; code: string; message: string } | 'accepted' {
  try {
    run();
  } catch (error) {
    if (error instanceof HubError)
      return { status: error.statusCode, code: error.code, message: error.message };
    throw error;
  }
  return 'accepted';
}

const badRequest = (message: string) => ({ status: 400, code: 'bad_request', message });

const record: VisitRecordInput = {
  retireeId: '00000000-0000-4000-8000-000000000001',
  visitedOn: '2027-01-31',
  mode: 'in_person',
  visitors: ['刘'],
  thought: '思想稳定',
  health: '血压偏高',
  medicalCare: '每月复查',
  hobbies: '书法',
  socialActivity: '老年大学',
  family: '女儿探望',
  livingConditions: '生活自理',
};

describe('visit rules (6.8)', () => {
  it('opens a holiday campaign 14 days before the holiday, and refuses one that has passed', () => {
    expect(rules.campaignPlan('spring_festival', 2027, '2027-01-10')).toStrictEqual({
      holidayDate: '2027-02-06',
      opensOn: '2027-01-23',
      title: '2027年春节走访慰问',
    });
    // 14 days before 1 March in a leap year reach back over 29 February.
    expect(rules.campaignPlan('army_day', 2028, '2028-02-29')).toStrictEqual({
      holidayDate: '2028-08-01',
      opensOn: '2028-07-18',
      title: '2028年建军节走访慰问',
    });
    expect(rules.campaignPlan('national_day', 2027, '2027-10-01').opensOn).toBe('2027-09-17');
    expect(refusal(() => rules.campaignPlan('army_day', 2027, '2027-08-02'))).toStrictEqual(
      badRequest('year: 2027年建军节已过 (the holiday has passed)'),
    );
    expect(refusal(() => rules.campaignPlan('spring_festival', 2036, '2027-01-01'))).toStrictEqual(
      badRequest('year: 没有2036年春节的日期 (no Spring Festival date for 2036)'),
    );
  });

  it('visits an admission within 3 days, across the month end', () => {
    expect(rules.admissionVisit('2026-10-30')).toStrictEqual({ opensOn: '2026-10-30', dueOn: '2026-11-02' });
    expect(rules.admissionVisit('2028-02-27')).toStrictEqual({ opensOn: '2028-02-27', dueOn: '2028-03-01' });
  });

  it('dues the focus visit one calendar month after the last, never before today', () => {
    expect(rules.needsFocusVisit({ solitary: false, bedridden: false })).toBe(false);
    expect(rules.needsFocusVisit({ solitary: true, bedridden: false })).toBe(true);
    expect(rules.firstFocusDue(null, '2027-01-25')).toBe('2027-02-01');
    expect(rules.firstFocusDue('2027-01-31', '2027-02-10')).toBe('2027-02-28');
    expect(rules.firstFocusDue('2028-01-31', '2028-02-10')).toBe('2028-02-29');
    expect(rules.firstFocusDue('2026-06-01', '2027-01-25')).toBe('2027-01-25');
    expect(rules.nextFocusDue('2027-01-31')).toBe('2027-02-28');
    expect(rules.nextFocusDue('2027-02-28')).toBe('2027-03-28');
    expect(rules.nextFocusDue('2027-12-31')).toBe('2028-01-31');
    expect(rules.focusTask({ solitary: true, bedridden: true }, '2027-03-01')).toStrictEqual({
      title: '重点走访（孤老、长期卧床，每月）',
      opensOn: '2027-02-22',
      dueOn: '2027-03-01',
    });
    expect(rules.focusTask({ solitary: false, bedridden: true }, '2028-03-01')).toStrictEqual({
      title: '重点走访（长期卧床，每月）',
      opensOn: '2028-02-23',
      dueOn: '2028-03-01',
    });
  });

  it('writes a change of the living flags into the archive history', () => {
    expect(
      rules.flagChanges({ solitary: false, bedridden: true }, { solitary: true, bedridden: false }),
    ).toStrictEqual([
      { field: 'livingSituation', from: '', to: 'alone' },
      { field: 'bedridden', from: 'true', to: 'false' },
    ]);
    expect(
      rules.flagChanges({ solitary: true, bedridden: false }, { solitary: true, bedridden: false }),
    ).toStrictEqual([]);
  });

  it('counts open work as overdue from the day after it is due', () => {
    expect(rules.isOverdue('open', '2027-02-28', '2027-02-28')).toBe(false);
    expect(rules.isOverdue('open', '2027-02-28', '2027-03-01')).toBe(true);
    expect(rules.isOverdue('done', '2027-02-28', '2027-03-01')).toBe(false);
  });

  it('checks dates: real, not in the future, due not before today or before the task opens', () => {
    expect(rules.checkDate('2028-02-29', 'dueOn')).toBe('2028-02-29');
    expect(refusal(() => rules.checkDate('2027-02-29', 'dueOn'))).toStrictEqual(
      badRequest('dueOn: 日期无效 (not a calendar date): 2027-02-29'),
    );
    expect(rules.checkNotFuture('2027-01-31', 'visitedOn', '2027-01-31')).toBe('2027-01-31');
    expect(refusal(() => rules.checkNotFuture('2027-02-01', 'visitedOn', '2027-01-31'))).toStrictEqual(
      badRequest('visitedOn: 不能是将来的日期 (cannot be in the future): 2027-02-01'),
    );
    expect(rules.checkNewTaskDue('2027-01-31', '2027-01-31')).toBe('2027-01-31');
    expect(refusal(() => rules.checkNewTaskDue('2027-01-30', '2027-01-31'))).toStrictEqual(
      badRequest('dueOn: 不能早于今天 (cannot be before today): 2027-01-30'),
    );
    expect(rules.checkTaskDueMove('2027-01-23', '2027-01-23')).toBe('2027-01-23');
    expect(refusal(() => rules.checkTaskDueMove('2027-01-22', '2027-01-23'))).toStrictEqual(
      badRequest('dueOn: 不能早于开始日期 2027-01-23 (before the task opens)'),
    );
    expect(rules.checkProblemDue('2027-02-01', 0, '2027-01-31')).toBe('2027-02-01');
    expect(refusal(() => rules.checkProblemDue('2027-01-30', 2, '2027-01-31'))).toStrictEqual(
      badRequest('problems[2].dueOn: 不能早于走访日期 (before the visit): 2027-01-30'),
    );
    expect(rules.checkPeriod('2027-01-01', '2027-01-01')).toStrictEqual({
      from: '2027-01-01',
      to: '2027-01-01',
    });
    expect(refusal(() => rules.checkPeriod('2027-01-02', '2027-01-01'))).toStrictEqual(
      badRequest('to: 结束日期不能早于开始日期 (before from)'),
    );
  });

  it('wants the seven fields of a record filled in, naming those left blank', () => {
    expect(refusal(() => rules.checkSevenFields(record))).toBe('accepted');
    expect(refusal(() => rules.checkSevenFields({ ...record, health: ' ', family: '' }))).toStrictEqual(
      badRequest('走访记录须填写：身体、家庭 (required: health, family)'),
    );
  });

  it('lets phone or video complete a visit only for a retiree living elsewhere (6.8.2.4)', () => {
    expect(refusal(() => rules.checkVisitMode('in_person', false))).toBe('accepted');
    expect(refusal(() => rules.checkVisitMode('video', true))).toBe('accepted');
    expect(refusal(() => rules.checkVisitMode('phone', false))).toStrictEqual(
      badRequest(
        'mode: 电话慰问只适用于长期不在本地生活的军休干部，本任务须上门走访 (phone or video completes a visit only for a retiree living elsewhere)',
      ),
    );
  });

  it('closes a follow-up only with its answer, and takes an answer only with closing', () => {
    expect(refusal(() => rules.checkFollowUpUpdate({ status: 'done', reply: '已解决' }))).toBe('accepted');
    expect(refusal(() => rules.checkFollowUpUpdate({ dueOn: '2027-03-01' }))).toBe('accepted');
    expect(refusal(() => rules.checkFollowUpUpdate({ status: 'done', reply: '  ' }))).toStrictEqual(
      badRequest('reply: 办结须填写处理结果或答复 (a reply is required to close a follow-up)'),
    );
    expect(refusal(() => rules.checkFollowUpUpdate({ reply: '已解决' }))).toStrictEqual(
      badRequest('reply: 答复随办结一起提交 (send the reply with status "done")'),
    );
  });

  it('tallies the visits of a period by mode and by reason', () => {
    expect(
      rules.tallyVisits([
        { mode: 'in_person', reason: 'focus', n: '2' },
        { mode: 'phone', reason: 'spring_festival', n: 3 },
        { mode: 'in_person', reason: 'spring_festival', n: '1' },
      ]),
    ).toStrictEqual({
      visits: 6,
      byMode: { in_person: 3, phone: 3, video: 0 },
      byReason: { focus: 2, spring_festival: 4 },
    });
    expect(rules.tallyVisits([])).toStrictEqual({
      visits: 0,
      byMode: { in_person: 0, phone: 0, video: 0 },
      byReason: {},
    });
  });
});
