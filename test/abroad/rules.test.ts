/** The rules of 6.4.2.3–6.4.2.5 as pure functions: approval chains by rank, contact due dates, suspension. */
import { describe, expect, it } from 'vitest';
import { CHAINS, RANK_LEVELS, rankLevel, takeStep, unknownRankMessage } from '../../server/abroad/chains.ts';
import {
  draftSuspensionReport,
  isContactOverdue,
  nextContactDue,
  shouldSuspend,
  silentSince,
  suspensionDue,
} from '../../server/abroad/contact.ts';
import { addMonths, anniversaryIn, centreDay, isDate, wholeMonthsBetween } from '../../server/calendar.ts';

describe('calendar months (Asia/Shanghai)', () => {
  it('keeps the day, or the last day of a shorter month', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-03-31', 1)).toBe('2026-04-30');
    expect(addMonths('2026-12-15', 1)).toBe('2027-01-15');
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
  });

  it('counts whole months', () => {
    expect(wholeMonthsBetween('2026-01-31', '2026-02-28')).toBe(1);
    expect(wholeMonthsBetween('2026-01-31', '2026-02-27')).toBe(0);
    expect(wholeMonthsBetween('2026-01-15', '2026-07-14')).toBe(5);
    expect(wholeMonthsBetween('2026-01-15', '2026-07-15')).toBe(6);
    expect(wholeMonthsBetween('2026-07-15', '2026-01-15')).toBe(0);
  });

  it('takes the anniversary in another year, 29 Feb as 28 Feb', () => {
    expect(anniversaryIn('2024-02-29', 2025)).toBe('2025-02-28');
    expect(anniversaryIn('2024-02-29', 2028)).toBe('2028-02-29');
    expect(anniversaryIn('2025-06-10', 2026)).toBe('2026-06-10');
  });

  it('turns the day over at Beijing midnight', () => {
    expect(centreDay(new Date('2026-01-31T15:59:59Z'))).toBe('2026-01-31');
    expect(centreDay(new Date('2026-01-31T16:00:00Z'))).toBe('2026-02-01');
    expect(isDate('2026-02-29')).toBe(false);
    expect(isDate('2028-02-29')).toBe(true);
  });
});

describe('approval chains by rank (6.4.2.3, 6.4.2.5)', () => {
  it('has a chain for every kind and rank level', () => {
    for (const kind of ['travel', 'part_time_post'] as const) {
      for (const rank of RANK_LEVELS) expect(CHAINS[kind][rank].length).toBeGreaterThan(0);
    }
    expect(CHAINS.travel.师级.map((step) => step.key)).toStrictEqual(['centre_opinion', 'superior_approval']);
    expect(CHAINS.travel.团级.map((step) => step.key)).toStrictEqual(['centre_filing']);
    expect(CHAINS.travel.营级及以下).toBe(CHAINS.travel.团级);
    expect(CHAINS.travel.士官).toBe(CHAINS.travel.团级);
    expect(CHAINS.part_time_post.师级.map((step) => step.key)).toStrictEqual([
      'centre_approval',
      'province_approval',
    ]);
    expect(CHAINS.part_time_post.团级.map((step) => step.key)).toStrictEqual(['superior_approval']);
  });

  it('reads the rank level from the archive text, or none', () => {
    expect(rankLevel(' 师级 ')).toBe('师级');
    expect(rankLevel('营级及以下')).toBe('营级及以下');
    expect(rankLevel('军级')).toBeNull();
    expect(rankLevel('')).toBeNull();
    expect(unknownRankMessage('')).toContain('未填写');
    expect(unknownRankMessage('军级')).toContain('“军级”');
  });

  /** A step taken on a request (kind, rank, status, steps taken) by an attempt; what comes of it. */
  type Request = Parameters<typeof takeStep> extends [...infer R, unknown] ? R : never;
  type Attempt = Parameters<typeof takeStep>[4];
  type StepCase = [what: string, request: Request, attempt: Attempt, outcome: object];
  const document = (documentNo: string, documentDate: string) => ({ documentNo, documentDate });
  /** A decision that names the document it was given in (number and date). */
  const signed = (
    step: Attempt['step'],
    decision: Attempt['decision'],
    role: Attempt['role'],
    documentNo: string,
    documentDate: string,
  ): Attempt => ({ step, decision, role, ...document(documentNo, documentDate) });

  it.each<StepCase>([
    [
      'division-level travel: the head’s opinion first',
      ['travel', '师级', 'requested', 0],
      { step: 'centre_opinion', decision: 'agree', role: 'supervisor' },
      { ok: true, position: 0, status: 'opinion_given', closed: false },
    ],
    [
      'division-level travel: then the superior department’s approval',
      ['travel', '师级', 'opinion_given', 1],
      signed('superior_approval', 'approve', 'admin', '川退役军人函〔2026〕12号', '2026-03-02'),
      { ok: true, position: 1, status: 'approved', closed: true },
    ],
    [
      'division-level travel: or its refusal',
      ['travel', '师级', 'opinion_given', 1],
      signed('superior_approval', 'reject', 'admin', '川退役军人函〔2026〕13号', '2026-03-02'),
      { ok: true, status: 'rejected', closed: true },
    ],
    [
      'a head who disagrees still reports up: the department decides',
      ['travel', '师级', 'requested', 0],
      { step: 'centre_opinion', decision: 'disagree', role: 'admin' },
      { ok: true, status: 'opinion_given', closed: false },
    ],
    ...(['团级', '营级及以下', '士官'] as const).map(
      (rank): StepCase => [
        `${rank}: one filing with the centre, by a caseworker or above`,
        ['travel', rank, 'requested', 0],
        { step: 'centre_filing', decision: 'file', role: 'caseworker' },
        { ok: true, position: 0, status: 'filed', closed: true },
      ],
    ),
    [
      'part-time posts: division level, the centre’s approval first',
      ['part_time_post', '师级', 'requested', 0],
      { step: 'centre_approval', decision: 'approve', role: 'supervisor' },
      { ok: true, status: 'centre_approved', closed: false },
    ],
    [
      'part-time posts: a centre refusal ends it',
      ['part_time_post', '师级', 'requested', 0],
      { step: 'centre_approval', decision: 'reject', role: 'supervisor' },
      { ok: true, status: 'rejected', closed: true },
    ],
    [
      'part-time posts: division level, then the province',
      ['part_time_post', '师级', 'centre_approved', 1],
      signed('province_approval', 'approve', 'admin', '川退役军人〔2026〕8号', '2026-04-01'),
      { ok: true, status: 'approved', closed: true },
    ],
    [
      'part-time posts: regiment level, the superior department alone',
      ['part_time_post', '团级', 'requested', 0],
      signed('superior_approval', 'approve', 'admin', '成退役军人〔2026〕3号', '2026-04-01'),
      { ok: true, status: 'approved', closed: true },
    ],
    [
      'refuses the wrong role with 403: a caseworker’s opinion',
      ['travel', '师级', 'requested', 0],
      { step: 'centre_opinion', decision: 'agree', role: 'caseworker' },
      { ok: false, status: 403 },
    ],
    [
      'refuses the wrong role with 403: a supervisor’s approval',
      ['travel', '师级', 'opinion_given', 1],
      signed('superior_approval', 'approve', 'supervisor', 'x', '2026-03-02'),
      { ok: false, status: 403 },
    ],
    [
      'refuses the wrong role with 403: an operator’s filing',
      ['travel', '团级', 'requested', 0],
      { step: 'centre_filing', decision: 'file', role: 'operator' },
      { ok: false, status: 403 },
    ],
    [
      'refuses a repeated step with 409',
      ['travel', '师级', 'opinion_given', 1],
      { step: 'centre_opinion', decision: 'agree', role: 'admin' },
      { ok: false, status: 409 },
    ],
    [
      'refuses a step on a closed request with 409',
      ['travel', '团级', 'filed', 1],
      { step: 'centre_filing', decision: 'file', role: 'admin' },
      { ok: false, status: 409 },
    ],
    [
      'refuses a step of another chain with 400',
      ['travel', '团级', 'requested', 0],
      { step: 'centre_opinion', decision: 'agree', role: 'admin' },
      { ok: false, status: 400 },
    ],
    [
      'refuses a wrong decision with 400',
      ['travel', '师级', 'requested', 0],
      { step: 'centre_opinion', decision: 'approve', role: 'admin' },
      { ok: false, status: 400 },
    ],
    [
      'refuses a missing document with 400',
      ['travel', '师级', 'opinion_given', 1],
      { step: 'superior_approval', decision: 'approve', role: 'admin', documentDate: '2026-03-02' },
      { ok: false, status: 400 },
    ],
  ])('%s', (_what, request, attempt, outcome) => {
    expect(takeStep(...request, attempt)).toMatchObject(outcome);
  });

  it('refuses the wrong order with 409, naming the step that comes first', () => {
    const early = takeStep('travel', '师级', 'requested', 0, {
      step: 'superior_approval',
      decision: 'approve',
      role: 'admin',
      ...document('x', '2026-03-02'),
    });
    expect(early).toMatchObject({ ok: false, status: 409 });
    expect(early.ok ? '' : early.message).toContain('须先办理“军休机构主要负责人签署意见”');
  });
});

describe('monthly contact with retirees abroad (6.4.2.4)', () => {
  it('first due one calendar month after the departure', () => {
    expect(nextContactDue('2026-01-31', null)).toBe('2026-02-28');
    expect(nextContactDue('2028-01-31', null)).toBe('2028-02-29');
    expect(nextContactDue('2026-05-10', null)).toBe('2026-06-10');
  });

  it('then one calendar month after the last contact', () => {
    expect(nextContactDue('2026-01-05', '2026-01-31')).toBe('2026-02-28');
    expect(nextContactDue('2026-01-05', '2026-03-31')).toBe('2026-04-30');
    expect(nextContactDue('2026-11-20', '2026-12-31')).toBe('2027-01-31');
  });

  it('is overdue only after the due day', () => {
    expect(isContactOverdue('2026-02-28', '2026-02-28')).toBe(false);
    expect(isContactOverdue('2026-02-28', '2026-03-01')).toBe(true);
  });

  it('suspends on the day six calendar months of silence have passed (含)', () => {
    expect(suspensionDue('2026-01-31')).toBe('2026-07-31');
    expect(suspensionDue('2026-08-31')).toBe('2027-02-28');
    expect(shouldSuspend('2026-01-31', '2026-07-30')).toBe(false);
    expect(shouldSuspend('2026-01-31', '2026-07-31')).toBe(true);
  });

  it('counts silence from the latest of departure, last contact and the last clearing decision', () => {
    expect(silentSince('2026-01-10', null, null)).toBe('2026-01-10');
    expect(silentSince('2026-01-10', '2026-02-03', null)).toBe('2026-02-03');
    expect(silentSince('2026-01-10', '2026-02-03', '2026-09-01')).toBe('2026-09-01');
  });

  it('drafts the report with the facts: name, departure, last contact, months', () => {
    const report = draftSuspensionReport({
      centreName: '成都市第一军休服务管理中心',
      retireeName: '张国华',
      rank: '团级',
      destination: '加拿大',
      departedOn: '2026-01-10',
      lastContact: { on: '2026-02-03', channel: 'video' },
      silentSince: '2026-02-03',
      today: '2026-08-05',
    });
    expect(report).toContain('关于暂停发放军休干部张国华离退休费的报告');
    expect(report).toContain('张国华（团级）于2026年1月10日出国（境）前往加拿大');
    expect(report).toContain('最后一次联系为2026年2月3日（视频）');
    expect(report).toContain('已失联6个月');
    expect(report).toContain('成都市第一军休服务管理中心');
    const silent = draftSuspensionReport({
      centreName: '中心',
      retireeName: '李',
      rank: '',
      destination: '',
      departedOn: '2026-01-10',
      lastContact: null,
      silentSince: '2026-01-10',
      today: '2026-09-10',
    });
    expect(silent).toContain('出境后未能取得联系');
    expect(silent).toContain('已失联8个月');
  });
});
