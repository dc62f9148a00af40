/**
 * The satisfaction survey answered by retirees and families themselves (7.1.1), on both record
 * engines: answer links issued per retiree (once each, a station's caseworker for the station), the
 * phone page at /q/<token> answering one service area at a time through a plain form, a named
 * survey's response under the retiree and an anonymous one under nobody, a family member's own link
 * from the family page, revoked and forged links and closed surveys opening nothing, the printed
 * slips, and bad forms refused with what was typed kept, nothing stored and the reason counted.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type {
  FamilySurvey,
  ResultGroup,
  Survey,
  SurveyLink,
  SurveyResponseEntry,
} from '../../server/schemas/evaluation.ts';
import type { Retiree } from '../../server/schemas/index.ts';
import { hubEngines } from '../helpers/engines.ts';
import { created, metricValue, read } from '../helpers/hub.ts';
import { type SignedIn, suiteHub } from '../helpers/suite.ts';

const { engines, stop } = await hubEngines();
afterAll(stop);

/** The phone page as a phone gets it: no session, the link's address alone. */
async function page(base: string, path: string): Promise<{ status: number; html: string }> {
  const response = await fetch(`${base}${path}`, { redirect: 'manual' });
  return { status: response.status, html: await response.text() };
}

/** The page's form sent as a phone browser sends it. */
async function send(
  base: string,
  path: string,
  fields: Record<string, string>,
): Promise<{ status: number; location: string | null; html: string }> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, location: response.headers.get('location'), html: await response.text() };
}

for (const engine of engines)
  describe.skipIf(engine.skip)(`survey answer links and the phone page on ${engine.name}`, () => {
    const t = suiteHub(() => engine.env());
    let caseworker: SignedIn;
    let eastWorker: SignedIn;
    let operator: SignedIn;
    let east: Retiree;
    let west: Retiree;
    let named: Survey;
    let scale: string;
    let comment: string;

    const survey = (id: string) => read<Survey>(t, `/api/evaluation/surveys/${id}`);
    const linksOf = (id: string, token?: string) =>
      read<SurveyLink[]>(t, `/api/evaluation/surveys/${id}/links`, token);
    const results = (surveyId: string) =>
      read<ResultGroup[]>(t, `/api/evaluation/results?surveyId=${surveyId}`);

    it('issues one link per retiree on the register, and a station’s caseworker links the station only', async () => {
      caseworker = await t.addStaff('cw.survey', 'caseworker');
      operator = await t.addStaff('op.survey', 'operator');
      east = await t.addRetiree({ name: '周建国' });
      west = await t.addRetiree({ name: '吴秀兰' });
      await t.api('PATCH', `/api/archive/retirees/${east.id}`, { station: '东站' });
      await t.api('PATCH', `/api/archive/retirees/${west.id}`, { station: '西站' });
      eastWorker = await t.addStaff('cw.survey.east', 'caseworker', '东站');

      named = await created<Survey>(
        t,
        '/api/evaluation/surveys',
        {
          title: '2026年下半年服务满意度',
          period: '2026-H2',
          serviceAreas: ['living', 'medical'],
          questions: [
            { text: '您对这项服务总体满意吗？', kind: 'scale' },
            { text: '您还有什么意见和建议？', kind: 'text' },
          ],
        },
        caseworker.token,
      );
      expect(named).toMatchObject({ anonymous: false, serviceAreas: ['medical', 'living'], linkCount: 0 });
      [scale, comment] = named.questions.map((q) => q.id) as [string, string];

      // The station's caseworker: only the station's retirees, and naming another's is refused.
      const refused = await t.api(
        'POST',
        `/api/evaluation/surveys/${named.id}/links`,
        { retireeIds: [west.id] },
        eastWorker.token,
      );
      expect(refused.status).toBe(400);
      const eastLinks = await created<SurveyLink[]>(
        t,
        `/api/evaluation/surveys/${named.id}/links`,
        {},
        eastWorker.token,
      );
      expect(eastLinks.map((link) => link.retireeId)).toStrictEqual([east.id]);
      expect(eastLinks[0]).toMatchObject({
        retireeName: '周建国',
        respondent: 'retiree',
        revokedAt: null,
        answeredAreas: [],
      });
      expect(eastLinks[0]?.path).toMatch(/^\/q\/[0-9a-f]{32}\.[0-9a-f]{32}$/);

      // Everyone else; those with a link keep theirs, and issuing again issues nothing.
      const rest = await created<SurveyLink[]>(
        t,
        `/api/evaluation/surveys/${named.id}/links`,
        {},
        caseworker.token,
      );
      expect(rest.map((link) => link.retireeId)).toContain(west.id);
      expect(rest.map((link) => link.retireeId)).not.toContain(east.id);
      expect(
        await created(t, `/api/evaluation/surveys/${named.id}/links`, {}, caseworker.token),
      ).toStrictEqual([]);
      expect((await linksOf(named.id, eastWorker.token)).map((link) => link.retireeId)).toStrictEqual([
        east.id,
      ]);
      expect((await survey(named.id)).linkCount).toBe(rest.length + 1);

      // A link is a key: those who only read the records do not see them.
      expect(
        (await t.api('GET', `/api/evaluation/surveys/${named.id}/links`, undefined, operator.token)).status,
      ).toBe(403);
    });

    it('takes one area at a time on the phone page and keeps the answer under the retiree', async () => {
      const [link] = (await linksOf(named.id)).filter((l) => l.retireeId === east.id);
      const path = link?.path as string;
      const opened = await page(t.url, path);
      expect(opened.status).toBe(200);
      expect(opened.html).toContain('周建国 同志，您好');
      expect(opened.html).toContain('本调查记名');
      expect(opened.html).toContain('value="medical"');
      expect(opened.html).toContain('value="living"');
      expect(opened.html).not.toContain('value="visits"');

      const sent = await send(t.url, path, {
        area: 'medical',
        [`q-${scale}`]: '4',
        [`q-${comment}`]: '希望体检能预约时间',
      });
      expect(sent.status).toBe(303);
      expect(sent.location).toBe(`${path}?done=medical`);
      const after = await page(t.url, sent.location as string);
      expect(after.html).toContain('已收到您对“医疗”的评价');
      expect(after.html).toContain('已评价：医疗');
      expect(after.html).not.toContain('value="medical"');

      const [group] = (await results(named.id)).filter((g) => g.serviceArea === 'medical');
      expect(group).toMatchObject({
        responses: 1,
        overall: { count: 1, sum: 4 },
        comments: ['希望体检能预约时间'],
      });
      const [row] = await t.hub.db.query<{
        retiree_id: string | null;
        source: string;
        recorded_by: string | null;
      }>('select retiree_id, source, recorded_by from survey_responses where survey_id = $1', [named.id]);
      expect(row).toStrictEqual({ retiree_id: east.id, source: 'retiree', recorded_by: null });
      expect((await survey(named.id)).selfAnswered).toBe(1);
      expect((await linksOf(named.id)).find((l) => l.id === link?.id)?.answeredAreas).toStrictEqual([
        'medical',
      ]);

      // The same area again, from the page or by staff on paper: refused, nothing added.
      const repeats = await metricValue(t, 'hub_survey_page_refused_total{reason="repeat"}');
      const again = await send(t.url, path, { area: 'medical', [`q-${scale}`]: '1' });
      expect(again.status).toBe(409);
      expect(again.html).toContain('已经答过了');
      const paper = await t.api('POST', `/api/evaluation/surveys/${named.id}/responses`, {
        retireeId: east.id,
        serviceArea: 'medical',
        answers: [{ questionId: scale, score: 2 }],
      });
      expect(paper.status).toBe(409);
      expect((await survey(named.id)).responseCount).toBe(1);
      expect(await metricValue(t, 'hub_survey_page_refused_total{reason="repeat"}')).toBe(repeats + 1);

      // The last area: then the page thanks and asks nothing more.
      expect((await send(t.url, path, { area: 'living', [`q-${scale}`]: '5' })).status).toBe(303);
      const finished = await page(t.url, path);
      expect(finished.html).toContain('各项您都已评价');
      expect(finished.html).not.toContain('<form');
    });

    it('refuses a bad form with the reason, keeps what was typed, stores nothing and counts it', async () => {
      const [link] = (await linksOf(named.id)).filter((l) => l.retireeId === west.id);
      const path = link?.path as string;
      const before = (await survey(named.id)).responseCount;
      const counted = await metricValue(t, 'hub_survey_page_refused_total{reason="answer"}');

      const badScore = await send(t.url, path, {
        area: 'living',
        [`q-${scale}`]: '9',
        [`q-${comment}`]: '饭菜偏咸<b>',
      });
      expect(badScore.status).toBe(400);
      expect(badScore.html).toContain('第1题：请选择一项');
      expect(badScore.html).toContain('饭菜偏咸&lt;b&gt;</textarea>');
      expect(badScore.html).toContain('value="living" checked');
      expect((await send(t.url, path, { area: 'living' })).html).toContain('请至少回答一道题');
      expect((await send(t.url, path, { area: 'visits', [`q-${scale}`]: '3' })).status).toBe(400);
      expect((await send(t.url, path, { [`q-${scale}`]: '3' })).html).toContain('请先选择要评价的服务');
      const unparsed = await fetch(`${t.url}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '%%%&area=%E0%A4%A',
      });
      expect(unparsed.status).toBe(400);

      expect((await survey(named.id)).responseCount).toBe(before);
      expect(await metricValue(t, 'hub_survey_page_refused_total{reason="answer"}')).toBe(counted + 5);
      // The page still works for a good answer after all that.
      expect((await send(t.url, path, { area: 'living', [`q-${scale}`]: '3' })).status).toBe(303);
    });

    it('keeps no name on an anonymous survey’s responses, whoever enters them', async () => {
      const anonymous = await created<Survey>(
        t,
        '/api/evaluation/surveys',
        {
          title: '监护服务不记名调查',
          period: '2026-Q4',
          anonymous: true,
          serviceAreas: ['monitoring'],
          questions: [{ text: '夜间呼叫响应是否及时？', kind: 'scale' }],
        },
        caseworker.token,
      );
      const question = anonymous.questions[0]?.id as string;
      const staffNamed = await t.api('POST', `/api/evaluation/surveys/${anonymous.id}/responses`, {
        retireeId: west.id,
        serviceArea: 'monitoring',
        answers: [{ questionId: question, score: 4 }],
      });
      expect(staffNamed.status).toBe(400);

      const [link] = await created<SurveyLink[]>(t, `/api/evaluation/surveys/${anonymous.id}/links`, {
        retireeIds: [west.id],
      });
      const opened = await page(t.url, link?.path as string);
      expect(opened.html).toContain('本调查不记名');
      // One area only: asked without a choice.
      expect(opened.html).toContain('<input type="hidden" name="area" value="monitoring">');
      expect(
        (await send(t.url, link?.path as string, { area: 'monitoring', [`q-${question}`]: '2' })).status,
      ).toBe(303);

      const rows = await t.hub.db.query<{ retiree_id: string | null; source: string }>(
        'select retiree_id, source from survey_responses where survey_id = $1',
        [anonymous.id],
      );
      expect(rows).toStrictEqual([{ retiree_id: null, source: 'retiree' }]);
      // Whether the link answered, never what: the staff can remind those who have not.
      expect((await linksOf(anonymous.id)).map((l) => l.answeredAreas)).toStrictEqual([['monitoring']]);
      expect((await results(anonymous.id))[0]).toMatchObject({ responses: 1, overall: { sum: 2 } });
    });

    it('gives each family member a link of their own from the family page', async () => {
      const family = await t.addFamily(west, 'wu.daughter', '吴女儿');
      const listed = await read<FamilySurvey[]>(t, '/api/family/surveys', family);
      const mine = listed.find((s) => s.surveyId === named.id);
      expect(mine).toMatchObject({
        title: '2026年下半年服务满意度',
        serviceAreas: ['medical', 'living'],
        answeredAreas: [],
      });
      // Listed again: the same link.
      expect(
        (await read<FamilySurvey[]>(t, '/api/family/surveys', family)).find((s) => s.surveyId === named.id)
          ?.path,
      ).toBe(mine?.path);

      const opened = await page(t.url, mine?.path as string);
      expect(opened.html).toContain('请为中心对 吴秀兰 同志的服务打分');
      // The retiree answered living on their own link; the family member answers it too.
      expect((await send(t.url, mine?.path as string, { area: 'living', [`q-${scale}`]: '5' })).status).toBe(
        303,
      );
      const sources = await t.hub.db.query<{ source: string; retiree_id: string }>(
        `select source, retiree_id from survey_responses where survey_id = $1 and service_area = 'living' and retiree_id = $2 order by source`,
        [named.id, west.id],
      );
      expect(sources.map((row) => row.source)).toStrictEqual(['family', 'retiree']);
      expect(
        (await read<FamilySurvey[]>(t, '/api/family/surveys', family)).find((s) => s.surveyId === named.id)
          ?.answeredAreas,
      ).toStrictEqual(['living']);
      // Family accounts see their own link, not the survey's list.
      expect(
        (await t.api('GET', `/api/evaluation/surveys/${named.id}/links`, undefined, family)).status,
      ).toBe(403);

      // Sharing with the family withdrawn (PIPL): the link opens nothing; given again, it opens.
      const son = await t.addFamily(west, 'wu.son', '吴儿子');
      const sons = (await read<FamilySurvey[]>(t, '/api/family/surveys', son)).find(
        (s) => s.surveyId === named.id,
      );
      const sonId = (
        await read<{ userId: string; username: string }[]>(t, `/api/retirees/${west.id}/family-accounts`)
      ).find((account) => account.username === 'wu.son')?.userId;
      const consent = (state: string) =>
        t.api('POST', `/api/retirees/${west.id}/consents`, {
          kind: 'family_sharing',
          state,
          basis: '电话',
          familyUserId: sonId,
        });
      expect((await consent('withdrawn')).status).toBe(201);
      expect((await page(t.url, sons?.path as string)).status).toBe(404);
      expect((await consent('given')).status).toBe(201);
      expect((await page(t.url, sons?.path as string)).status).toBe(200);

      // A family account disabled: its link opens nothing.
      const accounts = await read<{ userId: string }[]>(t, `/api/retirees/${west.id}/family-accounts`);
      expect(
        (await t.api('DELETE', `/api/retirees/${west.id}/family-accounts/${accounts[0]?.userId}`)).status,
      ).toBe(204);
      expect((await page(t.url, mine?.path as string)).status).toBe(404);
    });

    it('lists the responses one by one, how each came, naming the retiree only where names are kept', async () => {
      const responsesOf = (id: string, token?: string) =>
        read<SurveyResponseEntry[]>(t, `/api/evaluation/surveys/${id}/responses`, token);
      const entries = await responsesOf(named.id);
      expect(entries).toHaveLength((await survey(named.id)).responseCount);
      expect(entries.find((e) => e.retireeId === east.id && e.serviceArea === 'medical')).toMatchObject({
        retireeName: '周建国',
        source: 'retiree',
        answers: [
          { questionId: scale, score: 4, text: null },
          { questionId: comment, score: null, text: '希望体检能预约时间' },
        ],
      });
      expect(
        entries
          .filter((e) => e.retireeId === west.id && e.serviceArea === 'living')
          .map((e) => e.source)
          .sort(),
      ).toStrictEqual(['family', 'retiree']);
      const times = entries.map((e) => e.recordedAt);
      expect([...times].sort().reverse()).toStrictEqual(times);

      // A station's caseworker: the station's retirees, and what names nobody.
      expect(new Set((await responsesOf(named.id, eastWorker.token)).map((e) => e.retireeId))).toStrictEqual(
        new Set([east.id]),
      );
      const anonymous = (await read<Survey[]>(t, '/api/evaluation/surveys')).find((s) => s.anonymous);
      expect(await responsesOf(anonymous?.id as string, eastWorker.token)).toMatchObject([
        { retireeId: null, retireeName: null, source: 'retiree', serviceArea: 'monitoring' },
      ]);

      // Family accounts never reach it; a survey that is not there is 404.
      const family = await t.addFamily(east, 'zhou.daughter', '周女儿');
      expect(
        (await t.api('GET', `/api/evaluation/surveys/${named.id}/responses`, undefined, family)).status,
      ).toBe(403);
      expect(
        (await t.api('GET', '/api/evaluation/surveys/00000000-0000-4000-8000-000000000000/responses')).status,
      ).toBe(404);
    });

    it('opens nothing through a revoked or forged link, or once the survey is closed', async () => {
      const [link] = (await linksOf(named.id)).filter(
        (l) => l.retireeId === west.id && l.respondent === 'retiree',
      );
      const path = link?.path as string;
      const counted = await metricValue(t, 'hub_survey_page_refused_total{reason="link"}');
      const forged = `${path.slice(0, -1)}${path.endsWith('0') ? '1' : '0'}`;
      expect((await page(t.url, forged)).status).toBe(404);
      expect((await page(t.url, '/q/not-a-token')).html).toContain('链接无效');

      expect(
        (await t.api('POST', `/api/evaluation/survey-links/${link?.id}/revoke`, undefined, eastWorker.token))
          .status,
      ).toBe(404);
      const revoking = await t.api<SurveyLink>(
        'POST',
        `/api/evaluation/survey-links/${link?.id}/revoke`,
        undefined,
        caseworker.token,
      );
      expect(revoking.status).toBe(200);
      const revoked = revoking.body;
      expect(revoked.revokedAt).not.toBeNull();
      expect((await page(t.url, path)).status).toBe(404);
      expect((await send(t.url, path, { area: 'medical', [`q-${scale}`]: '3' })).status).toBe(404);
      expect(await metricValue(t, 'hub_survey_page_refused_total{reason="link"}')).toBe(counted + 4);

      // A new link for the retiree, answering what the old one had not.
      const [fresh] = await created<SurveyLink[]>(t, `/api/evaluation/surveys/${named.id}/links`, {
        retireeIds: [west.id],
      });
      expect(fresh?.path).not.toBe(path);
      expect(
        (await send(t.url, fresh?.path as string, { area: 'medical', [`q-${scale}`]: '4' })).status,
      ).toBe(303);

      expect((await t.api('POST', `/api/evaluation/surveys/${named.id}/close`)).status).toBe(200);
      const closed = await page(t.url, fresh?.path as string);
      expect(closed.status).toBe(410);
      expect(closed.html).toContain('本次调查已结束');
      expect((await t.api('POST', `/api/evaluation/surveys/${named.id}/links`, {})).status).toBe(409);
    });

    it('prints the live links as slips with their QR codes', async () => {
      const open = await created<Survey>(t, '/api/evaluation/surveys', {
        title: '文体活动满意度',
        period: '2026-12',
        serviceAreas: ['culture_sports'],
        questions: [{ text: '活动安排是否合适？', kind: 'scale' }],
      });
      const none = await fetch(`${t.url}/api/evaluation/surveys/${open.id}/links/slips.pdf`, {
        headers: { authorization: `Bearer ${t.token}` },
      });
      expect(none.status).toBe(409);
      await created(t, `/api/evaluation/surveys/${open.id}/links`, {});
      const response = await fetch(`${t.url}/api/evaluation/surveys/${open.id}/links/slips.pdf`, {
        headers: { authorization: `Bearer ${t.token}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      const pdf = Buffer.from(await response.arrayBuffer());
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdf.length).toBeGreaterThan(2000);
      const operatorSlips = await fetch(`${t.url}/api/evaluation/surveys/${open.id}/links/slips.pdf`, {
        headers: { authorization: `Bearer ${operator.token}` },
      });
      expect(operatorSlips.status).toBe(403);
    });
  });
