/**
 * The evaluation rules without a database (server/evaluation/rules.ts): which answers a survey takes,
 * the results per service area and period, the answer date of a complaint, when complaints and actions
 * are overdue, the finding an improvement action names, and the order of the states.
 */
import { describe, expect, it } from 'vitest';
import { HubError } from '../../server/errors.ts';
import {
  type AnswerRow,
  actionOverdue,
  answerDue,
  checkActionDue,
  checkAnswers,
  checkFinding,
  checkState,
  feedbackOverdue,
  findingSummary,
  resultGroups,
  scoreStats,
} from '../../server/evaluation/rules.ts';

function refusal(run: () => unknown): { status: number; message: string } | 'accepted' {
  try {
    run();
  } catch (error) {
    if (error instanceof HubError) return { status: error.statusCode, message: error.message };
    throw error;
  }
  return 'accepted';
}

const SCALE = '11111111-1111-4111-8111-111111111111';
const TEXT = '22222222-2222-4222-8222-222222222222';
const survey = {
  questions: [
    { id: SCALE, position: 1, text: '您对医疗服务满意吗', kind: 'scale' as const },
    { id: TEXT, position: 2, text: '您的建议', kind: 'text' as const },
  ],
};

describe('evaluation rules (7.1, 7.2)', () => {
  it('sums 1–5 scores with an exact average, half up to two decimals', () => {
    expect(scoreStats([])).toStrictEqual({
      count: 0,
      sum: 0,
      average: null,
      distribution: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 },
    });
    expect(scoreStats([5, 4, 4, 1])).toStrictEqual({
      count: 4,
      sum: 14,
      average: 3.5,
      distribution: { '1': 1, '2': 0, '3': 0, '4': 2, '5': 1 },
    });
    expect(scoreStats([1, 1, 1, 1, 1, 1, 1, 2]).average).toBe(1.13);
  });

  it('takes a score for a scale question and a text for a text question, each once', () => {
    expect(
      checkAnswers(survey, [
        { questionId: SCALE.toUpperCase(), score: 4 },
        { questionId: TEXT, text: '  多组织义诊 ' },
      ]),
    ).toStrictEqual([
      { questionId: SCALE, score: 4, text: null },
      { questionId: TEXT, score: null, text: '多组织义诊' },
    ]);
    expect(refusal(() => checkAnswers(survey, [{ questionId: 'not-a-question', score: 4 }]))).toStrictEqual({
      status: 400,
      message: 'answers[0].questionId: 本调查没有这道题 (not a question of this survey)',
    });
    expect(
      refusal(() =>
        checkAnswers(survey, [
          { questionId: SCALE, score: 4 },
          { questionId: SCALE, score: 5 },
        ]),
      ),
    ).toStrictEqual({ status: 400, message: 'answers[1].questionId: 同一题只能回答一次 (answered twice)' });
    expect(refusal(() => checkAnswers(survey, [{ questionId: SCALE, text: '好' }]))).toStrictEqual({
      status: 400,
      message: 'answers[0].score: 评分题须给出1–5分 (a scale question takes a score 1–5)',
    });
    expect(refusal(() => checkAnswers(survey, [{ questionId: TEXT, text: ' ' }]))).toStrictEqual({
      status: 400,
      message: 'answers[0].text: 文字题须填写文字 (a text question takes a text)',
    });
  });

  it('groups the results per period and service area, with per question figures and comments', () => {
    const row = (
      response: string,
      area: AnswerRow['service_area'],
      period: string,
      score: number | null,
    ) => ({
      response_id: response,
      service_area: area,
      period,
      survey_id: 's1',
      question_id: score === null ? 'q2' : 'q1',
      question_text: score === null ? '建议' : '满意度',
      position: score === null ? 2 : 1,
      score,
      text: score === null ? `意见${response}` : null,
    });
    expect(
      resultGroups([
        row('r1', 'medical', '2026', 5),
        row('r1', 'medical', '2026', null),
        row('r2', 'medical', '2026', 4),
        row('r3', 'living', '2026', 3),
      ]),
    ).toStrictEqual([
      {
        serviceArea: 'medical',
        period: '2026',
        responses: 2,
        overall: scoreStats([5, 4]),
        questions: [{ surveyId: 's1', questionId: 'q1', text: '满意度', ...scoreStats([5, 4]) }],
        comments: ['意见r1'],
      },
      {
        serviceArea: 'living',
        period: '2026',
        responses: 1,
        overall: scoreStats([3]),
        questions: [{ surveyId: 's1', questionId: 'q1', text: '满意度', ...scoreStats([3]) }],
        comments: [],
      },
    ]);
    expect(resultGroups([])).toStrictEqual([]);
  });

  it('dues an answer so many days after receipt, across month ends and leap days', () => {
    expect(answerDue('2026-02-20', 15)).toBe('2026-03-07');
    expect(answerDue('2028-02-20', 15)).toBe('2028-03-06');
    expect(answerDue('2026-12-25', 15)).toBe('2027-01-09');
  });

  it('counts complaints and actions overdue only while still open, from the day after', () => {
    expect(feedbackOverdue('received', '2026-03-07', '2026-03-07')).toBe(false);
    expect(feedbackOverdue('handling', '2026-03-07', '2026-03-08')).toBe(true);
    expect(feedbackOverdue('answered', '2026-03-07', '2026-03-08')).toBe(false);
    expect(actionOverdue('planned', '2026-03-07', '2026-03-08')).toBe(true);
    expect(actionOverdue('doing', '2026-03-07', '2026-03-07')).toBe(false);
    expect(actionOverdue('done', '2026-03-07', '2026-03-08')).toBe(false);
  });

  it('moves an item only from the state the step starts from', () => {
    expect(refusal(() => checkState('handling', 'handling'))).toBe('accepted');
    expect(refusal(() => checkState('received', 'handling'))).toStrictEqual({
      status: 409,
      message: '状态不符 (status is received, expected handling)',
    });
  });

  it('wants an action’s finding consistent, and the action due today or later', () => {
    const id = '33333333-3333-4333-8333-333333333333';
    expect(refusal(() => checkFinding({ kind: 'complaint', feedbackId: id }))).toBe('accepted');
    expect(refusal(() => checkFinding({ kind: 'survey', surveyId: id, serviceArea: 'medical' }))).toBe(
      'accepted',
    );
    expect(refusal(() => checkFinding({ kind: 'text', text: '夜间呼叫响应慢' }))).toBe('accepted');
    expect(refusal(() => checkFinding({ kind: 'complaint', feedbackId: id, surveyId: id }))).toStrictEqual({
      status: 400,
      message: 'finding.feedbackId: 请指明引起本措施的投诉或建议 (a complaint or suggestion, and no survey)',
    });
    expect(refusal(() => checkFinding({ kind: 'survey' }))).toStrictEqual({
      status: 400,
      message: 'finding.surveyId: 请指明引起本措施的满意度调查 (a survey, and no complaint)',
    });
    expect(refusal(() => checkFinding({ kind: 'text', text: '说明', feedbackId: id }))).toStrictEqual({
      status: 400,
      message: 'finding: 文字说明的问题不关联投诉或调查 (a text finding names no complaint or survey)',
    });
    expect(refusal(() => checkFinding({ kind: 'text', text: '  ' }))).toStrictEqual({
      status: 400,
      message: 'finding.text: 请说明发现的问题 (describe the finding)',
    });
    expect(refusal(() => checkActionDue('2028-02-29', '2028-02-29'))).toBe('accepted');
    expect(refusal(() => checkActionDue('2028-02-28', '2028-02-29'))).toStrictEqual({
      status: 400,
      message: 'dueOn: 不能早于今天 (cannot be before today): 2028-02-28',
    });
  });

  it('says what a finding was: the complaint’s opening words, the survey, or the words', () => {
    const base = {
      text: '',
      serviceArea: null,
      feedbackKind: null,
      feedbackContent: null,
      surveyTitle: null,
      surveyPeriod: null,
    };
    expect(
      findingSummary({
        ...base,
        kind: 'complaint',
        feedbackKind: 'suggestion',
        feedbackContent: '多'.repeat(61),
      }),
    ).toBe(`建议：${'多'.repeat(60)}…`);
    expect(
      findingSummary({ ...base, kind: 'complaint', feedbackKind: 'complaint', feedbackContent: '太慢' }),
    ).toBe('投诉：太慢');
    expect(
      findingSummary({
        ...base,
        kind: 'survey',
        serviceArea: 'medical',
        surveyTitle: '年度满意度',
        surveyPeriod: '2026',
      }),
    ).toBe('满意度调查《年度满意度》2026（医疗）');
    expect(findingSummary({ ...base, kind: 'text', text: '夜间呼叫响应慢' })).toBe('夜间呼叫响应慢');
  });
});
