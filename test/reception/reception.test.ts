/**
 * Political life and reception (6.2), supervision and evaluation (7.1), continuous improvement (7.2)
 * on one real hub: date rules through the services with fixed clocks, flows, state machines and role
 * checks through the HTTP API.
 *
 * Long on purpose: the three areas share one hub, their retirees and their work list, which the
 * last cases read across all three.
 */
import { describe, expect, it } from 'vitest';
import { EvaluationService, scoreStats } from '../../server/evaluation/service.ts';
import { ReceptionEvaluationProvider } from '../../server/evaluation/worklist.ts';
import { ReceptionService } from '../../server/reception/service.ts';
import type {
  ConvalescenceBatch,
  Feedback,
  ImprovementAction,
  PoliticalActivity,
  ReceptionItem,
  ResultGroup,
  Survey,
} from '../../server/schemas/reception.ts';
import type { WorkList } from '../../server/schemas/worklist.ts';
import { created } from '../helpers/hub.ts';
import { at } from '../helpers/service.ts';
import { suiteDesk, suiteHub } from '../helpers/suite.ts';

describe('political life, reception (6.2), evaluation (7.1) and improvement (7.2)', () => {
  const t = suiteHub();
  const { a, b, caseworker, operator, family } = suiteDesk(t, 'reception', ['王振国', '赵红梅'], '王小明');

  describe('letters, visits and calls (6.2.2.10)', () => {
    it('sets the reply due date 15 days after receipt by default, or as set per item, in centre dates', async () => {
      // 16:30 UTC on 1 March is already 2 March in Shanghai.
      const service = new ReceptionService(t.hub.db, at('2026-03-01T16:30:00Z'));
      const letter = await service.createReception(
        { channel: 'letter', fromName: '王振国', retireeId: a.id, content: '询问医疗费报销进度' },
        caseworker.id,
      );
      expect(letter.receivedOn).toBe('2026-03-02');
      expect(letter.replyDays).toBe(15);
      expect(letter.replyDueOn).toBe('2026-03-17');
      expect(letter.status).toBe('received');
      expect(letter.handlerId).toBe(caseworker.id);

      const call = await service.createReception(
        {
          channel: 'call',
          fromName: '赵红梅家属',
          receivedOn: '2026-02-20',
          replyDays: 5,
          content: '反映住房漏水',
        },
        caseworker.id,
      );
      expect(call.replyDueOn).toBe('2026-02-25');
      expect(call.retireeId).toBeNull();

      // changing the days moves the due date from the day received
      const moved = await service.updateReception(call.id, { replyDays: 10 });
      expect(moved.replyDueOn).toBe('2026-03-02');

      await expect(
        service.createReception(
          { channel: 'visit', fromName: '某人', receivedOn: '2026-03-03', content: '来访' },
          caseworker.id,
        ),
      ).rejects.toMatchObject({ statusCode: 400 });
    });

    it('lists overdue items on a fixed day, oldest due first, and drops them once replied', async () => {
      const service = new ReceptionService(t.hub.db, at('2026-04-01T02:00:00Z'));
      const early = await service.createReception(
        { channel: 'letter', fromName: '甲', receivedOn: '2026-03-01', content: '来信一' },
        caseworker.id,
      );
      const later = await service.createReception(
        { channel: 'visit', fromName: '乙', receivedOn: '2026-03-10', content: '来访二' },
        caseworker.id,
      );
      const notYet = await service.createReception(
        { channel: 'call', fromName: '丙', receivedOn: '2026-03-25', content: '来电三' },
        caseworker.id,
      );
      // due 16 Mar, 25 Mar, 9 Apr
      const mine = (list: ReceptionItem[]) =>
        list.filter((i) => [early.id, later.id, notYet.id].includes(i.id)).map((i) => i.id);

      expect(mine(await service.overdueReceptions('2026-03-16'))).toEqual([]);
      expect(mine(await service.overdueReceptions('2026-03-17'))).toEqual([early.id]);
      expect(mine(await service.overdueReceptions())).toEqual([early.id, later.id]);
      expect((await service.reception(early.id)).overdue).toBe(true);
      expect((await service.reception(notYet.id)).overdue).toBe(false);

      await service.takeReception(early.id);
      expect(mine(await service.overdueReceptions())).toEqual([early.id, later.id]);
      const replied = await service.replyReception(early.id, { reply: '已电话答复' }, caseworker.id);
      expect(replied).toMatchObject({ status: 'replied', repliedOn: '2026-04-01', repliedBy: caseworker.id });
      expect(replied.overdue).toBe(false);
      expect(mine(await service.overdueReceptions())).toEqual([later.id]);

      // the work list: open from the day received, overdue after the due date
      const provider = new ReceptionEvaluationProvider(t.hub.db);
      const items = await provider.items({ date: '2026-04-01', ownerId: caseworker.id });
      const reception = items.filter((i) => [early.id, later.id, notYet.id].includes(i.id));
      expect(reception.map((i) => [i.id, i.source, i.dueDate, i.overdue])).toEqual(
        expect.arrayContaining([
          [later.id, 'reception_reply', '2026-03-25', true],
          [notYet.id, 'reception_reply', '2026-04-09', false],
        ]),
      );
      expect(reception).toHaveLength(2);
      const before = await provider.items({ date: '2026-03-20', ownerId: caseworker.id });
      expect(before.some((i) => i.id === notYet.id)).toBe(false);
    });

    it('goes received → in_hand → replied through the API, 409 out of order', async () => {
      const item = await created<ReceptionItem>(
        t,
        '/api/reception/items',
        { channel: 'visit', fromName: '王振国', retireeId: a.id, content: '咨询荣誉疗养安排', replyDays: 7 },
        caseworker.token,
      );
      expect(item.retireeName).toBe('王振国');
      const id = item.id;
      const early = await t.api(
        'POST',
        `/api/reception/items/${id}/reply`,
        { reply: '答复' },
        caseworker.token,
      );
      expect(early.status).toBe(409);
      expect(
        (await t.api('POST', `/api/reception/items/${id}/take`, undefined, caseworker.token)).status,
      ).toBe(200);
      expect(
        (await t.api('POST', `/api/reception/items/${id}/take`, undefined, caseworker.token)).status,
      ).toBe(409);
      const done = await t.api<ReceptionItem>(
        'POST',
        `/api/reception/items/${id}/reply`,
        { reply: '已告知疗养批次安排' },
        caseworker.token,
      );
      expect(done.status).toBe(200);
      expect(done.body.status).toBe('replied');
      expect(
        (await t.api('PATCH', `/api/reception/items/${id}`, { replyDays: 30 }, caseworker.token)).status,
      ).toBe(409);
      const bad = await t.api<{ message: string }>(
        'POST',
        '/api/reception/items',
        { channel: 'fax', fromName: 'x', content: 'y' },
        caseworker.token,
      );
      expect(bad.status).toBe(400);
      const unknownRetiree = await t.api<{ message: string }>(
        'POST',
        '/api/reception/items',
        { channel: 'letter', fromName: 'x', content: 'y', retireeId: '00000000-0000-4000-8000-000000000000' },
        caseworker.token,
      );
      expect(unknownRetiree.status).toBe(400);
      expect(unknownRetiree.body.message).toContain('retireeId');
    });
  });

  describe('political life (6.2.2.3–6.2.2.8) and honour convalescence (6.2.2.11)', () => {
    it('records attendance per retiree with counts and the party branch from the archive', async () => {
      const activity = await created<PoliticalActivity>(
        t,
        '/api/reception/activities',
        { kind: 'organisation_life', heldOn: '2026-01-15', topic: '学习党的二十大精神', place: '活动室' },
        caseworker.token,
      );
      const id = activity.id;
      const recorded = await t.api<PoliticalActivity>(
        'PUT',
        `/api/reception/activities/${id}/attendance`,
        {
          entries: [
            { retireeId: a.id, status: 'present' },
            { retireeId: b.id, status: 'excused', note: '住院' },
          ],
        },
        caseworker.token,
      );
      expect(recorded.status).toBe(200);
      expect(recorded.body.counts).toEqual({ present: 1, absent: 0, excused: 1 });
      // a second entry for the same retiree replaces the first
      const again = await t.api<PoliticalActivity>(
        'PUT',
        `/api/reception/activities/${id}/attendance`,
        { entries: [{ retireeId: a.id, status: 'absent' }] },
        caseworker.token,
      );
      expect(again.body.counts).toEqual({ present: 0, absent: 1, excused: 1 });
      const twice = await t.api(
        'PUT',
        `/api/reception/activities/${id}/attendance`,
        {
          entries: [
            { retireeId: a.id, status: 'present' },
            { retireeId: a.id, status: 'absent' },
          ],
        },
        caseworker.token,
      );
      expect(twice.status).toBe(400);
      const ofB = await t.api<PoliticalActivity[]>(
        'GET',
        `/api/reception/activities?retireeId=${b.id}`,
        undefined,
        operator.token,
      );
      expect(ofB.body.map((x) => x.id)).toEqual([id]);
    });

    it('takes attendance only once the activity is held (fixed clock)', async () => {
      const service = new ReceptionService(t.hub.db, at('2026-05-01T02:00:00Z'));
      const study = await service.createActivity(
        { kind: 'study', heldOn: '2026-05-10', topic: '政策文件学习' },
        caseworker.id,
      );
      await expect(
        service.recordAttendance(study.id, { entries: [{ retireeId: a.id, status: 'present' }] }),
      ).rejects.toMatchObject({ statusCode: 409 });
      const later = new ReceptionService(t.hub.db, at('2026-05-10T01:00:00Z'));
      const done = await later.recordAttendance(study.id, {
        entries: [{ retireeId: a.id, status: 'present' }],
      });
      expect(done.counts.present).toBe(1);
    });

    it('keeps convalescence batches with dates, place and participants', async () => {
      const bad = await t.api(
        'POST',
        '/api/reception/convalescence',
        { name: '2026年第一批', place: '峨眉山', startsOn: '2026-06-10', endsOn: '2026-06-01' },
        caseworker.token,
      );
      expect(bad.status).toBe(400);
      const convalescence = await created<ConvalescenceBatch>(
        t,
        '/api/reception/convalescence',
        {
          name: '2026年第一批',
          level: '师级',
          place: '峨眉山',
          startsOn: '2026-06-01',
          endsOn: '2026-06-10',
        },
        caseworker.token,
      );
      const id = convalescence.id;
      const added = await t.api<ConvalescenceBatch>(
        'POST',
        `/api/reception/convalescence/${id}/participants`,
        { participants: [{ retireeId: a.id, reason: '移交安置后作出突出贡献' }] },
        caseworker.token,
      );
      expect(added.body.participants.map((p) => p.retireeName)).toEqual(['王振国']);
      const dup = await t.api(
        'POST',
        `/api/reception/convalescence/${id}/participants`,
        { participants: [{ retireeId: b.id }, { retireeId: a.id }] },
        caseworker.token,
      );
      expect(dup.status).toBe(409);
      const batch = await t.api<ConvalescenceBatch>('GET', `/api/reception/convalescence/${id}`);
      expect(batch.body.participants).toHaveLength(1); // nothing half-added
      const removed = await t.api<ConvalescenceBatch>(
        'DELETE',
        `/api/reception/convalescence/${id}/participants/${a.id}`,
        undefined,
        caseworker.token,
      );
      expect(removed.body.participants).toEqual([]);
    });
  });

  describe('satisfaction surveys (7.1)', () => {
    it('computes count, sum, average (half up, 2 decimals) and distribution exactly', () => {
      expect(scoreStats([])).toEqual({
        count: 0,
        sum: 0,
        average: null,
        distribution: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 },
      });
      // 10/3 = 3.333… → 3.33; 14/3 = 4.666… → 4.67; 1.005 style: 201/200 → 1.005 → 1.01 half up
      expect(scoreStats([3, 3, 4]).average).toBe(3.33);
      expect(scoreStats([5, 5, 4]).average).toBe(4.67);
      expect(scoreStats([...Array(199).fill(1), 2]).average).toBe(1.01);
      expect(scoreStats([5, 4, 4, 1]).distribution).toEqual({ '1': 1, '2': 0, '3': 0, '4': 2, '5': 1 });
    });

    it('groups results per service area and period, with anonymous responses and comments', async () => {
      const survey = await created<Survey>(
        t,
        '/api/evaluation/surveys',
        {
          title: '2026年第二季度满意度调查',
          period: '2026-Q2',
          questions: [
            { text: '服务态度', kind: 'scale' },
            { text: '办事效率', kind: 'scale' },
            { text: '意见和建议', kind: 'text' },
          ],
        },
        caseworker.token,
      );
      const [attitude, speed, comment] = survey.questions.map((q) => q.id);
      const respond = (body: unknown) =>
        t.api('POST', `/api/evaluation/surveys/${survey.id}/responses`, body, caseworker.token);
      expect(
        (
          await respond({
            retireeId: a.id,
            serviceArea: 'medical',
            answers: [
              { questionId: attitude, score: 5 },
              { questionId: speed, score: 4 },
              { questionId: comment, text: '希望增加上门体检' },
            ],
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await respond({
            serviceArea: 'medical',
            answers: [
              { questionId: attitude, score: 3 },
              { questionId: speed, score: 2 },
            ],
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await respond({
            retireeId: b.id,
            serviceArea: 'visits',
            answers: [{ questionId: attitude, score: 4 }],
          })
        ).status,
      ).toBe(201);
      // one response per retiree, survey and service area
      expect(
        (
          await respond({
            retireeId: a.id,
            serviceArea: 'medical',
            answers: [{ questionId: attitude, score: 1 }],
          })
        ).status,
      ).toBe(409);
      // a scale question takes a score, a text question a text
      expect(
        (await respond({ serviceArea: 'medical', answers: [{ questionId: attitude, text: '好' }] })).status,
      ).toBe(400);
      expect(
        (await respond({ serviceArea: 'medical', answers: [{ questionId: comment, score: 5 }] })).status,
      ).toBe(400);
      expect(
        (await respond({ serviceArea: 'medical', answers: [{ questionId: attitude, score: 6 }] })).status,
      ).toBe(400);

      const results = await t.api<ResultGroup[]>(
        'GET',
        `/api/evaluation/results?surveyId=${survey.id}`,
        undefined,
        operator.token,
      );
      expect(results.status).toBe(200);
      const medical = results.body.find((g) => g.serviceArea === 'medical');
      expect(medical).toMatchObject({
        period: '2026-Q2',
        responses: 2,
        overall: {
          count: 4,
          sum: 14,
          average: 3.5,
          distribution: { '1': 0, '2': 1, '3': 1, '4': 1, '5': 1 },
        },
        comments: ['希望增加上门体检'],
      });
      expect(medical?.questions.map((q) => [q.text, q.count, q.average])).toEqual([
        ['服务态度', 2, 4],
        ['办事效率', 2, 3],
      ]);
      const visits = results.body.find((g) => g.serviceArea === 'visits');
      expect(visits).toMatchObject({ responses: 1, overall: { count: 1, sum: 4, average: 4 } });
      const filtered = await t.api<ResultGroup[]>(
        'GET',
        '/api/evaluation/results?period=2026-Q2&serviceArea=visits',
        undefined,
        operator.token,
      );
      expect(filtered.body.map((g) => g.serviceArea)).toEqual(['visits']);

      expect(
        (await t.api('POST', `/api/evaluation/surveys/${survey.id}/close`, undefined, caseworker.token))
          .status,
      ).toBe(200);
      expect(
        (await respond({ serviceArea: 'medical', answers: [{ questionId: attitude, score: 5 }] })).status,
      ).toBe(409);
    });
  });

  describe('complaints and suggestions (7.1) and improvement actions (7.2)', () => {
    it('moves a complaint received → handling → answered → closed, 409 out of order', async () => {
      const entry = await created<Feedback>(
        t,
        '/api/evaluation/feedback',
        {
          kind: 'complaint',
          channel: 'window_book',
          retireeId: b.id,
          serviceArea: 'culture_sports',
          content: '活动室开放时间太短',
        },
        caseworker.token,
      );
      const id = entry.id;
      const step = (action: string, body?: unknown) =>
        t.api<Feedback>('POST', `/api/evaluation/feedback/${id}/${action}`, body, caseworker.token);
      expect((await step('answer', { answer: '已延长' })).status).toBe(409);
      expect((await step('close', {})).status).toBe(409);
      expect((await step('handle')).body.status).toBe('handling');
      expect((await step('handle')).status).toBe(409);
      const answered = await step('answer', { answer: '活动室开放时间延长至晚上八点' });
      expect(answered.body).toMatchObject({ status: 'answered', answeredBy: caseworker.id });
      const closed = await step('close', { note: '本人满意' });
      expect(closed.body.status).toBe('closed');
      expect(closed.body.closedAt).not.toBeNull();
      expect((await step('handle')).status).toBe(409);
      const badChannel = await t.api(
        'POST',
        '/api/evaluation/feedback',
        { kind: 'complaint', channel: 'pigeon', content: 'x' },
        caseworker.token,
      );
      expect(badChannel.status).toBe(400);
    });

    it('links actions to a complaint, a survey result or words, and moves them planned → doing → done → reviewed', async () => {
      const complaint = await t.api<Feedback>(
        'POST',
        '/api/evaluation/feedback',
        {
          kind: 'suggestion',
          channel: 'suggestion_box',
          serviceArea: 'medical',
          content: '建议每季度组织一次健康讲座',
        },
        caseworker.token,
      );
      const survey = (await t.api<Survey[]>('GET', '/api/evaluation/surveys')).body[0];
      expect(survey).toBeDefined();
      const due = '2099-12-31';
      const fromComplaint = await t.api<ImprovementAction>(
        'POST',
        '/api/evaluation/actions',
        {
          title: '每季度健康讲座',
          finding: { kind: 'complaint', feedbackId: complaint.body.id },
          dueOn: due,
          ownerId: caseworker.id,
        },
        caseworker.token,
      );
      expect(fromComplaint.status).toBe(201);
      expect(fromComplaint.body.finding).toMatchObject({
        kind: 'complaint',
        feedbackId: complaint.body.id,
        serviceArea: 'medical',
        summary: '建议：建议每季度组织一次健康讲座',
      });
      const fromSurvey = await t.api<ImprovementAction>(
        'POST',
        '/api/evaluation/actions',
        {
          title: '提高办事效率',
          finding: { kind: 'survey', surveyId: survey?.id, serviceArea: 'medical' },
          dueOn: due,
        },
        caseworker.token,
      );
      expect(fromSurvey.status).toBe(201);
      expect(fromSurvey.body.finding.summary).toContain('2026-Q2（医疗）');
      expect(fromSurvey.body.ownerId).toBe(caseworker.id);
      const fromText = await t.api<ImprovementAction>(
        'POST',
        '/api/evaluation/actions',
        { title: '座谈会意见整改', finding: { kind: 'text', text: '座谈会反映走访记录不全' }, dueOn: due },
        caseworker.token,
      );
      expect(fromText.body.finding.summary).toBe('座谈会反映走访记录不全');

      // the finding must exist and match its kind
      const wrong = [
        { kind: 'complaint' },
        { kind: 'complaint', feedbackId: '00000000-0000-4000-8000-000000000000' },
        { kind: 'survey', feedbackId: complaint.body.id },
        { kind: 'text' },
        { kind: 'text', text: '说明', surveyId: survey?.id },
      ];
      for (const finding of wrong) {
        const response = await t.api(
          'POST',
          '/api/evaluation/actions',
          { title: 'x', finding, dueOn: due },
          caseworker.token,
        );
        expect(response.status, JSON.stringify(finding)).toBe(400);
      }
      const past = await t.api(
        'POST',
        '/api/evaluation/actions',
        { title: 'x', finding: { kind: 'text', text: 'y' }, dueOn: '2020-01-01' },
        caseworker.token,
      );
      expect(past.status).toBe(400);

      // linked both ways
      const linked = await t.api<Feedback>('GET', `/api/evaluation/feedback/${complaint.body.id}`);
      expect(linked.body.actionIds).toEqual([fromComplaint.body.id]);
      const bySurvey = await t.api<ImprovementAction[]>(
        'GET',
        `/api/evaluation/actions?surveyId=${survey?.id}`,
      );
      expect(bySurvey.body.map((x) => x.id)).toEqual([fromSurvey.body.id]);

      const id = fromComplaint.body.id;
      const step = (action: string, body?: unknown) =>
        t.api<ImprovementAction>('POST', `/api/evaluation/actions/${id}/${action}`, body, caseworker.token);
      expect((await step('done', { result: '已开讲座' })).status).toBe(409);
      expect((await step('review', { note: '有效' })).status).toBe(409);
      expect((await step('start')).body.status).toBe('doing');
      expect((await step('start')).status).toBe(409);
      expect((await step('review', { note: '有效' })).status).toBe(409);
      expect((await step('done', { result: '第二季度已开讲座两次' })).body.status).toBe('done');
      const reviewed = await step('review', { note: '参加人数多，继续开展' });
      expect(reviewed.body).toMatchObject({
        status: 'reviewed',
        reviewNote: '参加人数多，继续开展',
        reviewedBy: caseworker.id,
      });
      expect((await step('start')).status).toBe(409);
    });

    it('puts complaints to answer and actions due on the work list (fixed clock)', async () => {
      const evaluation = new EvaluationService(t.hub.db, at('2026-07-01T02:00:00Z'));
      const complaint = await evaluation.createFeedback(
        {
          kind: 'complaint',
          channel: 'phone',
          receivedOn: '2026-06-10',
          content: '监护手环经常误报',
          answerDays: 10,
        },
        caseworker.id,
      );
      expect(complaint.answerDueOn).toBe('2026-06-20');
      expect(complaint.overdue).toBe(true);
      const action = await evaluation.createAction(
        {
          title: '更换误报手环',
          finding: { kind: 'complaint', feedbackId: complaint.id },
          dueOn: '2026-07-06',
        },
        caseworker.id,
      );
      expect(action.overdue).toBe(false);
      const provider = new ReceptionEvaluationProvider(t.hub.db);
      const ids = (items: { id: string }[]) => items.map((i) => i.id);
      const june30 = await provider.items({ date: '2026-06-28', ownerId: caseworker.id });
      expect(ids(june30)).toContain(complaint.id);
      expect(ids(june30)).not.toContain(action.id); // shows a week before it is due
      const july1 = await provider.items({ date: '2026-07-01', ownerId: caseworker.id });
      expect(july1.find((i) => i.id === action.id)).toMatchObject({
        source: 'improvement_action',
        dueDate: '2026-07-06',
        overdue: false,
      });
      expect(july1.find((i) => i.id === complaint.id)).toMatchObject({
        source: 'feedback_answer',
        overdue: true,
      });
      expect(ids(await provider.items({ date: '2026-07-01', ownerId: operator.id }))).toEqual([]);

      await evaluation.handleFeedback(complaint.id);
      await evaluation.answerFeedback(complaint.id, { answer: '已更换' }, caseworker.id);
      const after = await provider.items({ date: '2026-07-01', ownerId: caseworker.id });
      expect(ids(after)).not.toContain(complaint.id);

      // and through the work list route, for the signed-in caseworker
      const list = await t.api<WorkList>('GET', '/api/worklist?date=2026-07-07', undefined, caseworker.token);
      expect(list.status).toBe(200);
      expect(list.body.items.find((i) => i.id === action.id)).toMatchObject({ overdue: true });
    });
  });

  describe('roles', () => {
    it('lets the operator read but not write, and keeps family accounts out', async () => {
      const paths = [
        '/api/reception/items',
        '/api/reception/items/overdue',
        '/api/reception/activities',
        '/api/reception/convalescence',
        '/api/evaluation/surveys',
        '/api/evaluation/results',
        '/api/evaluation/feedback',
        '/api/evaluation/actions',
      ];
      for (const path of paths) {
        expect((await t.api('GET', path, undefined, operator.token)).status, path).toBe(200);
        expect((await t.api('GET', path, undefined, family.token)).status, path).toBe(403);
      }
      const writes: [string, unknown][] = [
        ['/api/reception/items', { channel: 'letter', fromName: 'x', content: 'y' }],
        ['/api/reception/activities', { kind: 'study', heldOn: '2026-01-01', topic: 'x' }],
        [
          '/api/reception/convalescence',
          { name: 'x', place: 'y', startsOn: '2026-01-01', endsOn: '2026-01-02' },
        ],
        [
          '/api/evaluation/surveys',
          { title: 'x', period: '2026', questions: [{ text: 'q', kind: 'scale' }] },
        ],
        ['/api/evaluation/feedback', { kind: 'complaint', channel: 'online', content: 'x' }],
        [
          '/api/evaluation/actions',
          { title: 'x', finding: { kind: 'text', text: 'y' }, dueOn: '2099-01-01' },
        ],
      ];
      for (const [path, body] of writes) {
        expect((await t.api('POST', path, body, operator.token)).status, path).toBe(403);
        expect((await t.api('POST', path, body, family.token)).status, path).toBe(403);
        expect((await t.api('POST', path, body, caseworker.token)).status, path).toBe(201);
      }
      expect((await t.api('GET', '/api/reception/items', undefined, null)).status).toBe(401);
    });
  });
});
