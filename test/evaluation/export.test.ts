/**
 * Excel exports of supervision, evaluation and improvement (7.1, 7.2) through a real hub: complaints and
 * suggestions with their handling status, improvement actions with their findings, survey results
 * per service area and period; the list's filters and roles; a station caseworker's scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, centreDay } from '../../server/calendar.ts';
import type { Feedback, ImprovementAction, Survey } from '../../server/schemas/evaluation.ts';
import type { Retiree } from '../../server/schemas/index.ts';
import { addStations, created, startTestHub, type TestHub } from '../helpers/hub.ts';
import { readWorkbook } from '../reception/workbook.ts';

describe('evaluation exports (7.1, 7.2)', () => {
  let t: TestHub;
  let operator: string;
  let family: string;
  let stationCaseworker: string;
  let east: Retiree;
  let west: Retiree;
  const today = centreDay(new Date());
  const feedback: Record<string, Feedback> = {};

  beforeAll(async () => {
    t = await startTestHub();
    operator = (await t.addStaff('ev-operator', 'operator')).token;
    const stations = await addStations(t, 'ev-east');
    ({ east, west } = stations);
    stationCaseworker = stations.stationCaseworker.token;
    family = await t.addFamily(east, 'ev-family');

    const add = async (key: string, body: Record<string, unknown>) => {
      feedback[key] = await created<Feedback>(t, '/api/evaluation/feedback', body);
    };
    await add('lateComplaint', {
      kind: 'complaint',
      channel: 'window_book',
      retireeId: east.id,
      serviceArea: 'medical',
      content: '体检排队时间太长',
      receivedOn: addDays(today, -30),
    });
    await add('suggestion', {
      kind: 'suggestion',
      channel: 'suggestion_box',
      retireeId: west.id,
      serviceArea: 'culture_sports',
      content: '希望增加书法班',
    });
    await add('anonymous', { kind: 'complaint', channel: 'phone', content: '门卫态度不好' });
  });
  afterAll(() => t?.stop());

  it('exports complaints and suggestions with status and overdue, filtered as the list', async () => {
    const book = await readWorkbook(t, '/api/evaluation/feedback/export.xlsx', t.token);
    expect(book.status).toBe(200);
    expect(book.headers.slice(0, 6)).toStrictEqual([
      '受理日期',
      '类别',
      '渠道',
      '反映人',
      '服务类别',
      '内容',
    ]);
    expect(book.rows).toHaveLength(3);
    expect(book.rows.find((row) => row.内容 === '体检排队时间太长')).toMatchObject({
      类别: '投诉',
      渠道: '服务窗口意见簿',
      反映人: '东站老人',
      服务类别: '医疗',
      答复期限: addDays(today, -15),
      状态: '已受理',
      是否逾期: '已逾期',
    });
    const suggestions = await readWorkbook(
      t,
      '/api/evaluation/feedback/export.xlsx?kind=suggestion',
      t.token,
    );
    expect(suggestions.rows.map((row) => row.内容)).toStrictEqual(['希望增加书法班']);
    const medical = await readWorkbook(
      t,
      '/api/evaluation/feedback/export.xlsx?serviceArea=medical',
      operator,
    );
    expect(medical.rows.map((row) => row.内容)).toStrictEqual(['体检排队时间太长']);
    expect((await readWorkbook(t, '/api/evaluation/feedback/export.xlsx?kind=praise', t.token)).status).toBe(
      400,
    );
    expect((await readWorkbook(t, '/api/evaluation/feedback/export.xlsx', family)).status).toBe(403);
    expect((await readWorkbook(t, '/api/evaluation/feedback/export.xlsx', null)).status).toBe(401);
  });

  it('keeps a station caseworker to their station and to feedback from no retiree', async () => {
    const book = await readWorkbook(t, '/api/evaluation/feedback/export.xlsx', stationCaseworker);
    expect(book.rows.map((row) => row.内容).sort()).toStrictEqual(
      ['体检排队时间太长', '门卫态度不好'].sort(),
    );
    const other = `/api/evaluation/feedback/${feedback.suggestion!.id}`;
    expect((await t.api('GET', other, undefined, stationCaseworker)).status).toBe(404);
    expect((await t.api('POST', `${other}/handle`, undefined, stationCaseworker)).status).toBe(404);
    const unchanged = await t.api<Feedback>('GET', other);
    expect(unchanged.body.status).toBe('received');
    const foreign = await t.api(
      'POST',
      '/api/evaluation/feedback',
      { kind: 'complaint', channel: 'phone', retireeId: west.id, content: '代登记' },
      stationCaseworker,
    );
    expect(foreign.status).toBe(404);
    expect((await t.api<Feedback[]>('GET', '/api/evaluation/feedback')).body).toHaveLength(3);
  });

  it('exports improvement actions with the finding that caused them', async () => {
    const action = await t.api<ImprovementAction>('POST', '/api/evaluation/actions', {
      title: '体检分时段预约',
      finding: { kind: 'complaint', feedbackId: feedback.lateComplaint!.id },
      dueOn: addDays(today, 30),
    });
    expect(action.status).toBe(201);
    const other = await t.api<ImprovementAction>('POST', '/api/evaluation/actions', {
      title: '门卫礼仪培训',
      finding: { kind: 'text', text: '电话反映门卫态度', serviceArea: 'other' },
      dueOn: addDays(today, 7),
    });
    expect(other.status).toBe(201);
    await t.api('POST', `/api/evaluation/actions/${other.body.id}/start`);
    const book = await readWorkbook(t, '/api/evaluation/actions/export.xlsx', operator);
    expect(book.headers).toStrictEqual([
      '措施',
      '起因',
      '服务类别',
      '负责人',
      '完成期限',
      '状态',
      '是否逾期',
      '完成日期',
      '实施结果',
      '复核意见',
    ]);
    expect(book.rows.find((row) => row.措施 === '体检分时段预约')).toMatchObject({
      服务类别: '医疗',
      状态: '计划',
      是否逾期: '',
    });
    expect(book.rows.find((row) => row.措施 === '体检分时段预约')?.起因).toContain('体检排队时间太长');
    expect(book.rows.find((row) => row.措施 === '门卫礼仪培训')).toMatchObject({
      起因: '电话反映门卫态度',
      服务类别: '其他',
      状态: '实施中',
    });
    const byFinding = await readWorkbook(
      t,
      `/api/evaluation/actions/export.xlsx?feedbackId=${feedback.lateComplaint!.id}`,
      t.token,
    );
    expect(byFinding.rows.map((row) => row.措施)).toStrictEqual(['体检分时段预约']);
    const doing = await readWorkbook(t, '/api/evaluation/actions/export.xlsx?status=doing', t.token);
    expect(doing.rows.map((row) => row.措施)).toStrictEqual(['门卫礼仪培训']);
  });

  it('exports survey results per service area and period, overall and per question', async () => {
    const survey = await t.api<Survey>('POST', '/api/evaluation/surveys', {
      title: '2026年上半年满意度调查',
      period: '2026-H1',
      questions: [
        { text: '对医疗服务是否满意', kind: 'scale' },
        { text: '意见和建议', kind: 'text' },
      ],
    });
    expect(survey.status).toBe(201);
    const [scale, text] = survey.body.questions;
    for (const [retireeId, score] of [
      [east.id, 5],
      [west.id, 4],
      [null, 4],
    ] as const) {
      const answer = await t.api('POST', `/api/evaluation/surveys/${survey.body.id}/responses`, {
        retireeId,
        serviceArea: 'medical',
        answers: [
          { questionId: scale!.id, score },
          { questionId: text!.id, text: '很好' },
        ],
      });
      expect(answer.status).toBe(201);
    }
    const book = await readWorkbook(t, '/api/evaluation/results/export.xlsx?period=2026-H1', operator);
    expect(book.status).toBe(200);
    // The one question was answered 5, 4 and 4: the question and the whole (总体) score alike.
    const scores = {
      服务类别: '医疗',
      期间: '2026-H1',
      答卷数: '3',
      评分次数: '3',
      平均分: '4.33',
      '5分': '1',
      '4分': '2',
      '3分': '0',
      '2分': '0',
      '1分': '0',
    };
    expect(book.rows).toStrictEqual([
      { ...scores, 题目: '（总体）' },
      { ...scores, 题目: '对医疗服务是否满意' },
    ]);
    const none = await readWorkbook(t, '/api/evaluation/results/export.xlsx?serviceArea=visits', t.token);
    expect(none.rows).toStrictEqual([]);
    expect(
      (await readWorkbook(t, '/api/evaluation/results/export.xlsx?period=2026-13', t.token)).status,
    ).toBe(400);
    // A station caseworker may not enter another station's retiree's response.
    const foreign = await t.api(
      'POST',
      `/api/evaluation/surveys/${survey.body.id}/responses`,
      { retireeId: west.id, serviceArea: 'visits', answers: [{ questionId: scale!.id, score: 3 }] },
      stationCaseworker,
    );
    expect(foreign.status).toBe(404);
  });
});
