/**
 * The satisfaction survey's phone page (7.1.1), `/q/<token>`: what a retiree or a family member
 * opens from a printed slip's QR code, a message or the family page, without signing in. It greets
 * them, says whether the survey keeps names, lets them pick one of the service areas not yet
 * answered through their link, and asks the questions in large print: a scale question as five
 * choices from 很满意 to 很不满意, a text question as a box. Sent answers come back as a thank-you;
 * a refused form comes back with what was filled in and the reason above it. Plain HTML with forms,
 * as the staff's alert page (server/http/phone-page.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import promClient from 'prom-client';
import type { AreaOptions } from '../context.ts';
import { HubError } from '../errors.ts';
import { escapeHtml as html, PHONE_STYLE, phonePage, privatePage } from '../http/phone-page.ts';
import type { ServiceArea, SurveyResponseInput } from '../schemas/evaluation.ts';
import { LinkRefused, type OpenedLink, type SurveyLinks } from './links.ts';
import { SERVICE_AREA_NAMES, SERVICE_AREAS } from './rules.ts';

const TokenParams = Type.Object({ token: Type.String({ maxLength: 80 }) });
const DoneQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 32 })) });

/** Largest form: 50 questions of up to 4,000 characters, percent-encoded. */
const FORM_LIMIT = 1024 * 1024;

/** The scale from the best down, as the page offers it. */
const SCALE: readonly { score: number; words: string }[] = [
  { score: 5, words: '很满意' },
  { score: 4, words: '满意' },
  { score: 3, words: '一般' },
  { score: 2, words: '不满意' },
  { score: 1, words: '很不满意' },
];

const STYLE = `${PHONE_STYLE}
body{font-size:18px}
h1{font-size:22px}
.lead{color:#4e5969;margin:4px 0}
fieldset{border:0;padding:0;margin:0 0 16px}
legend{font-weight:600;margin-bottom:6px;padding:0}
.choices label{display:flex;align-items:center;gap:12px;padding:12px;border:1px solid #c9cdd4;border-radius:8px;margin:6px 0;background:#fff}
.choices label:has(input:checked){border-color:#1664ff;background:#e8f3ff}
input[type=radio]{width:24px;height:24px;margin:0;flex:none}
textarea{width:100%;box-sizing:border-box;font:inherit;min-height:110px;padding:10px;border-radius:8px;border:1px solid #c9cdd4}
.answered{color:#23a55a}
.note{font-size:15px;color:#86909c}`;

/** What the form sent: the area and each question's answer, as typed. */
interface Filled {
  area: string | null;
  values: Map<string, string>;
}

const emptyForm = (): Filled => ({ area: null, values: new Map() });

/** The form's fields: `area`, and `q-<question id>` per answered question. */
function readForm(body: unknown): Filled {
  const params = new URLSearchParams(typeof body === 'string' ? body : '');
  const values = new Map<string, string>();
  for (const [name, value] of params) {
    if (name.startsWith('q-')) values.set(name.slice(2), value);
  }
  return { area: params.get('area'), values };
}

/** The answers the form gives: an empty text or an unticked scale is a question left out. */
function answersOf(opened: OpenedLink, filled: Filled): SurveyResponseInput['answers'] {
  const answers: SurveyResponseInput['answers'] = [];
  for (const question of opened.survey.questions) {
    const value = filled.values.get(question.id);
    if (value === undefined) continue;
    if (question.kind === 'scale') {
      const score = Number(value);
      if (!Number.isInteger(score) || score < 1 || score > 5) {
        throw new LinkRefused('answer', 400, 'bad_request', `第${question.position}题：请选择一项`);
      }
      answers.push({ questionId: question.id, score });
    } else if (value.trim() !== '') {
      if (value.length > 4000) {
        throw new LinkRefused('answer', 400, 'bad_request', `第${question.position}题：请写在 4000 字以内`);
      }
      answers.push({ questionId: question.id, text: value });
    }
  }
  return answers;
}

function render(opened: OpenedLink, options: { done?: string; error?: string; filled?: Filled }): string {
  const { link, survey, token } = opened;
  const filled = options.filled ?? emptyForm();
  const parts: string[] = [`<h1>${html(survey.title)}</h1>`];
  parts.push(
    link.respondent === 'family'
      ? `<p class="lead">您好！请为中心对 ${html(link.retireeName)} 同志的服务打分（${html(survey.period)}）。</p>`
      : `<p class="lead">${html(link.retireeName)} 同志，您好！请为中心的服务打分（${html(survey.period)}）。</p>`,
  );
  parts.push(
    survey.anonymous
      ? '<p class="note">本调查不记名：答卷不记录您的姓名，中心只看得到汇总。</p>'
      : '<p class="note">本调查记名：答卷会记在您家老人的档案下，便于中心回访。</p>',
  );
  const doneArea = SERVICE_AREAS.find((area) => area === options.done);
  if (doneArea) {
    parts.push(
      `<section class="done" role="status">已收到您对“${html(SERVICE_AREA_NAMES[doneArea])}”的评价，谢谢您！</section>`,
    );
  }
  if (options.error) parts.push(`<section class="fail" role="alert">${html(options.error)}</section>`);

  const remaining = survey.serviceAreas.filter((area) => !link.answeredAreas.includes(area));
  if (link.answeredAreas.length > 0) {
    const names = link.answeredAreas.map((area) => SERVICE_AREA_NAMES[area]).join('、');
    parts.push(`<p class="answered">已评价：${html(names)}</p>`);
  }
  if (remaining.length === 0) {
    parts.push('<section class="done">本次调查的各项您都已评价，谢谢您的参与！</section>');
    return phonePage(survey.title, parts.join('\n'), '/q/page.css');
  }

  const chosen = remaining.find((area) => area === filled.area) ?? remaining[0];
  const form: string[] = [];
  if (remaining.length === 1) {
    form.push(
      `<input type="hidden" name="area" value="${html(chosen as string)}"><h2>评价：${html(SERVICE_AREA_NAMES[chosen as ServiceArea])}</h2>`,
    );
  } else {
    const choices = remaining
      .map(
        (area) =>
          `<label><input type="radio" name="area" value="${area}"${area === chosen ? ' checked' : ''}>${html(SERVICE_AREA_NAMES[area])}</label>`,
      )
      .join('');
    form.push(`<fieldset class="choices"><legend>您要评价哪一项服务？</legend>${choices}</fieldset>`);
  }
  for (const question of survey.questions) {
    const name = `q-${question.id}`;
    const given = filled.values.get(question.id) ?? '';
    const legend = `${question.position}. ${html(question.text)}`;
    if (question.kind === 'scale') {
      const choices = SCALE.map(
        ({ score, words }) =>
          `<label><input type="radio" name="${name}" value="${score}"${given === String(score) ? ' checked' : ''}>${words}</label>`,
      ).join('');
      form.push(`<fieldset class="choices"><legend>${legend}</legend>${choices}</fieldset>`);
    } else {
      form.push(
        `<fieldset><legend><label for="${name}">${legend}</label></legend><textarea id="${name}" name="${name}" maxlength="4000" placeholder="可不填">${html(given)}</textarea></fieldset>`,
      );
    }
  }
  form.push('<button type="submit">提交</button>');
  parts.push(
    `<section><form method="post" action="/q/${html(encodeURIComponent(token))}">${form.join('\n')}</form></section>`,
  );
  return phonePage(survey.title, parts.join('\n'), '/q/page.css');
}

/** A refusal before the survey is known: a small page of its own. */
function refusalPage(error: unknown): { status: number; body: string } {
  const status = error instanceof HubError ? error.statusCode : 500;
  const words = error instanceof HubError ? error.message : '出错了，请稍后再试或致电中心';
  return {
    status,
    body: phonePage(
      '满意度调查',
      `<section class="fail" role="alert">${html(words)}</section>`,
      '/q/page.css',
    ),
  };
}

export const surveyPageRoutes: FastifyPluginAsyncTypebox<AreaOptions & { links: SurveyLinks }> = async (
  app,
  { hub, links },
) => {
  const answered = new promClient.Counter({
    name: 'hub_survey_page_answers_total',
    help: 'Survey areas answered on the phone page, by who answered (retiree, family)',
    labelNames: ['respondent'],
    registers: [hub.registry],
  });
  const refused = new promClient.Counter({
    name: 'hub_survey_page_refused_total',
    help: 'Survey phone page requests refused: link (unknown, forged, revoked), closed, answer (the form), repeat (an area answered again)',
    labelNames: ['reason'],
    registers: [hub.registry],
  });
  const count = (error: unknown) =>
    refused.inc({ reason: error instanceof LinkRefused ? error.reason : 'link' });

  /** The link's survey, or null once the refusal page is sent (and counted). */
  async function openOr(token: string, reply: FastifyReply): Promise<OpenedLink | null> {
    try {
      return await links.open(token);
    } catch (error) {
      if (!(error instanceof HubError)) throw error;
      count(error);
      const { status, body } = refusalPage(error);
      await reply.code(status).type('text/html; charset=utf-8').send(body);
      return null;
    }
  }

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_LIMIT },
    (_request, body, done) => done(null, body),
  );

  app.get('/q/page.css', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLE),
  );

  app.get(
    '/q/:token',
    { config: { access: 'public' }, schema: { hide: true, params: TokenParams, querystring: DoneQuery } },
    async (request, reply) => {
      privatePage(reply);
      const opened = await openOr(request.params.token, reply);
      if (!opened) return reply;
      return reply
        .type('text/html; charset=utf-8')
        .send(render(opened, request.query.done === undefined ? {} : { done: request.query.done }));
    },
  );

  app.post(
    '/q/:token',
    { config: { access: 'public' }, schema: { hide: true, params: TokenParams } },
    async (request, reply) => {
      privatePage(reply);
      const { token } = request.params;
      const opened = await openOr(token, reply);
      if (!opened) return reply;
      const filled = readForm(request.body);
      try {
        const area = SERVICE_AREAS.find((known) => known === filled.area);
        if (!area) throw new LinkRefused('answer', 400, 'bad_request', '请先选择要评价的服务');
        await links.answer(opened, area, answersOf(opened, filled));
        answered.inc({ respondent: opened.link.respondent });
        return reply.redirect(`/q/${encodeURIComponent(token)}?done=${area}`, 303);
      } catch (error) {
        if (!(error instanceof HubError)) throw error;
        count(error);
        request.log.info(
          { reason: error instanceof LinkRefused ? error.reason : error.code },
          'survey answer refused',
        );
        // The page again, as it stands now, with what was filled in and why it was not taken.
        const again = await links.open(token).catch(() => opened);
        return reply
          .code(error.statusCode)
          .type('text/html; charset=utf-8')
          .send(render(again, { error: error.message, filled }));
      }
    },
  );
};
