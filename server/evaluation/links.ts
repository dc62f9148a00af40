/**
 * Satisfaction surveys answered by retirees and families themselves (7.1.1): a link per retiree,
 * issued by staff and handed over printed (a slip with a QR code) or sent by message, and a link per
 * family account, made when the family page lists the survey. The link opens the survey's phone page
 * (./phone-page.ts) without signing in; each service area is answered once through it. The centre
 * chooses per survey whether a response keeps its retiree's name; an anonymous survey's response
 * keeps none, and which link answered which area is kept apart from the responses, without a time.
 * A link is revoked when it was handed to the wrong person; the retiree may then be given a new one.
 */
import { randomUUID } from 'node:crypto';
import { LinkTokens } from '../auth/link-tokens.ts';
import type { Vault } from '../auth/vault.ts';
import type { Clock } from '../calendar.ts';
import type { Database, Queryable } from '../db/database.ts';
import { badRequest, conflict, HubError, notFound } from '../errors.ts';
import { FamilyStore } from '../family/store.ts';
import { isUuid, uuidOr404 } from '../ids.ts';
import type {
  FamilySurvey,
  ServiceArea,
  Survey,
  SurveyLink,
  SurveyLinksInput,
  SurveyResponseInput,
} from '../schemas/evaluation.ts';
import { RecordKeeper } from '../store/keeper.ts';
import { iso, isoRequired, isUniqueViolation } from '../store/rows.ts';
import { inScope, inScopeOf, type Scope } from '../store/scope.ts';
import { checkAnswers, checkArea, SERVICE_AREA_NAMES, SERVICE_AREAS } from './rules.ts';
import { EvaluationStore } from './store.ts';

interface LinkRow {
  id: string;
  survey_id: string;
  retiree_id: string;
  retiree_name: string;
  respondent: 'retiree' | 'family';
  family_user_id: string | null;
  issued_at: Date | string;
  revoked_at: Date | string | null;
  answered: ServiceArea[] | null;
}

const selectLinks = `select l.id, l.survey_id, l.retiree_id, r.name as retiree_name, l.respondent, l.family_user_id,
    l.issued_at, l.revoked_at,
    array(select a.service_area from survey_link_answers a where a.link_id = l.id order by a.service_area) as answered
  from survey_links l join retirees r on r.id = l.retiree_id`;

/** A link as its phone page opens it: the link, its survey, and the family account it belongs to. */
export interface OpenedLink {
  link: SurveyLink;
  survey: Survey;
  token: string;
}

/** Why a phone page refused; counted in /metrics with the reason. */
export type LinkRefusal = 'link' | 'closed' | 'answer' | 'repeat';

export class LinkRefused extends HubError {
  constructor(
    readonly reason: LinkRefusal,
    status: number,
    code: string,
    message: string,
  ) {
    super(status, code, message);
  }
}

export class SurveyLinks extends RecordKeeper {
  private readonly tokens: LinkTokens;
  private readonly store: EvaluationStore;

  constructor(
    db: Database,
    key: Pick<Vault, 'fingerprint'>,
    private readonly publicUrl: string | undefined,
    clock?: Clock,
  ) {
    super(db, clock);
    this.tokens = new LinkTokens(key, 'survey link');
    this.store = new EvaluationStore(db, () => this.today());
  }

  private toLink(row: LinkRow): SurveyLink {
    const path = `/q/${this.tokens.token(row.id)}`;
    const answered = row.answered ?? [];
    return {
      id: row.id,
      surveyId: row.survey_id,
      retireeId: row.retiree_id,
      retireeName: row.retiree_name,
      respondent: row.respondent,
      familyUserId: row.family_user_id,
      path,
      url: this.publicUrl ? `${this.publicUrl}${path}` : null,
      issuedAt: isoRequired(row.issued_at),
      revokedAt: iso(row.revoked_at),
      answeredAreas: SERVICE_AREAS.filter((area) => answered.includes(area)),
    };
  }

  /** The survey's links of retirees in the scope, by retiree name, then the newest first. */
  async list(surveyId: string, scope: Scope): Promise<SurveyLink[]> {
    const survey = await this.store.survey(surveyId);
    const params: unknown[] = [survey.id];
    const rows = await this.db.query<LinkRow>(
      `${selectLinks} where l.survey_id = $1 and ${inScope(scope, 'l.retiree_id', params)}
        order by r.name, l.retiree_id, l.issued_at desc`,
      params,
    );
    return rows.map((row) => this.toLink(row));
  }

  /** One link of a retiree in the scope; 404 otherwise. */
  async one(id: string, scope: Scope, db: Queryable = this.db): Promise<SurveyLink> {
    const params: unknown[] = [uuidOr404(id, 'survey link')];
    const [row] = await db.query<LinkRow>(
      `${selectLinks} where l.id = $1 and ${inScope(scope, 'l.retiree_id', params)}`,
      params,
    );
    if (!row) throw notFound('survey link');
    return this.toLink(row);
  }

  /**
   * Links for the retirees named, or for every retiree on the register (not deceased) in the scope
   * who has none yet. A retiree who already has a live link keeps it (it is not issued twice); one
   * named outside the scope or unknown is a 400 naming it, and nothing is issued.
   */
  async issue(
    surveyId: string,
    input: SurveyLinksInput,
    scope: Scope,
    userId: string,
  ): Promise<SurveyLink[]> {
    const survey = await this.store.survey(surveyId);
    if (survey.status !== 'open') throw conflict('调查已结束，不再发放链接 (the survey is closed)');
    let retireeIds: string[];
    if (input.retireeIds) {
      const named = [...new Set(input.retireeIds.map((id) => id.toLowerCase()))];
      const bad = named.find((id) => !isUuid(id));
      if (bad) throw badRequest(`retireeIds: 没有这位军休干部 (no such retiree): ${bad}`);
      const known = await this.db.query<{ id: string; status: string }>(
        'select id, status from retirees where id = any($1::uuid[])',
        [named],
      );
      const reachable = await inScopeOf(this.db, scope, named);
      const missing = named.find((id) => !known.some((row) => row.id === id) || !reachable.has(id));
      if (missing) throw badRequest(`retireeIds: 没有这位军休干部 (no such retiree): ${missing}`);
      const deceased = known.find((row) => row.status === 'deceased');
      if (deceased) throw badRequest(`retireeIds: 这位军休干部已去世 (the retiree has died): ${deceased.id}`);
      retireeIds = named;
    } else {
      const params: unknown[] = [];
      const rows = await this.db.query<{ id: string }>(
        `select r.id from retirees r where r.status <> 'deceased' and ${inScope(scope, 'r.id', params)}
          order by r.name, r.id`,
        params,
      );
      retireeIds = rows.map((row) => row.id);
    }
    // One statement for the whole register; a retiree who already has a live link keeps it.
    const inserted = await this.db.query<{ id: string }>(
      `insert into survey_links (id, survey_id, retiree_id, respondent, issued_by, issued_at)
       select link.id, $3::uuid, link.retiree_id, 'retiree', $4::uuid, $5::timestamptz
         from unnest($1::uuid[], $2::uuid[]) as link (id, retiree_id)
       on conflict (survey_id, retiree_id) where respondent = 'retiree' and revoked_at is null do nothing
       returning id`,
      [retireeIds.map(() => randomUUID()), retireeIds, survey.id, userId, this.clock()],
    );
    const issued = inserted.map((row) => row.id);
    if (issued.length === 0) return [];
    const rows = await this.db.query<LinkRow>(
      `${selectLinks} where l.id = any($1::uuid[]) order by r.name, l.retiree_id`,
      [issued],
    );
    return rows.map((row) => this.toLink(row));
  }

  /** Revokes a link: its page opens nothing from now on; what was answered through it stays. */
  async revoke(id: string, scope: Scope): Promise<SurveyLink> {
    const link = await this.one(id, scope);
    if (link.revokedAt) throw conflict('链接已作废 (the link is already revoked)');
    await this.db.query('update survey_links set revoked_at = $2 where id = $1 and revoked_at is null', [
      link.id,
      this.clock(),
    ]);
    return this.one(link.id, scope);
  }

  /**
   * The open surveys as a family account's page lists them, each with the account's own link (made
   * the first time it is listed) and the areas it has answered.
   */
  async forFamily(userId: string, retireeId: string): Promise<FamilySurvey[]> {
    const surveys = (await this.store.surveys()).filter((survey) => survey.status === 'open');
    const out: FamilySurvey[] = [];
    for (const survey of surveys) {
      const link = await this.familyLink(survey.id, userId, retireeId);
      out.push({
        surveyId: survey.id,
        title: survey.title,
        period: survey.period,
        anonymous: survey.anonymous,
        serviceAreas: survey.serviceAreas,
        answeredAreas: link.answeredAreas,
        path: link.path,
      });
    }
    return out;
  }

  private async familyLink(surveyId: string, userId: string, retireeId: string): Promise<SurveyLink> {
    const find = () =>
      this.db.query<LinkRow>(
        `${selectLinks} where l.survey_id = $1 and l.family_user_id = $2 and l.revoked_at is null`,
        [surveyId, userId],
      );
    let [row] = await find();
    if (!row) {
      await this.db.query(
        `insert into survey_links (id, survey_id, retiree_id, respondent, family_user_id, issued_at)
         values ($1, $2, $3, 'family', $4, $5)
         on conflict (survey_id, family_user_id) where family_user_id is not null and revoked_at is null do nothing`,
        [randomUUID(), surveyId, retireeId, userId, this.clock()],
      );
      [row] = await find();
    }
    if (!row) throw new Error(`no family link for survey ${surveyId}`);
    return this.toLink(row);
  }

  /**
   * The link a token opens with its survey, or a refusal: an unknown, forged or revoked link (404),
   * a closed survey (410), a family link whose account is disabled, no longer linked or no longer
   * shared with (404).
   */
  async open(token: string): Promise<OpenedLink> {
    const id = this.tokens.idOf(token);
    const invalid = () => new LinkRefused('link', 404, 'not_found', '链接无效或已作废，请向中心索取新的链接');
    if (!id) throw invalid();
    const [row] = await this.db.query<LinkRow>(`${selectLinks} where l.id = $1`, [id]);
    if (!row || row.revoked_at !== null) throw invalid();
    if (row.family_user_id !== null && !(await this.familyMayAnswer(row.family_user_id, row.retiree_id))) {
      throw invalid();
    }
    const survey = await this.store.survey(row.survey_id);
    if (survey.status !== 'open')
      throw new LinkRefused('closed', 410, 'gone', '本次调查已结束，感谢您的关注');
    return { link: this.toLink(row), survey, token };
  }

  /** A family account still enabled, linked to the retiree and sharing with the family allowed. */
  private async familyMayAnswer(userId: string, retireeId: string): Promise<boolean> {
    const [user] = await this.db.query<{ disabled: boolean }>('select disabled from users where id = $1', [
      userId,
    ]);
    if (!user || user.disabled) return false;
    return (await new FamilyStore(this.db).retireeOf(userId))?.retireeId === retireeId;
  }

  /**
   * One area's answers through a link: once per link and area; the response keeps the retiree's
   * name unless the survey is anonymous, and says whether the retiree or a family member gave it.
   * A retiree whose answer for the area staff already entered is told so (409).
   */
  async answer(
    opened: OpenedLink,
    serviceArea: ServiceArea,
    answers: SurveyResponseInput['answers'],
  ): Promise<void> {
    const { link, survey } = opened;
    try {
      checkArea(survey, serviceArea);
    } catch (error) {
      throw new LinkRefused('answer', 400, 'bad_request', (error as Error).message);
    }
    if (answers.length === 0) {
      throw new LinkRefused('answer', 400, 'bad_request', '请至少回答一道题再提交');
    }
    let checked: ReturnType<typeof checkAnswers>;
    try {
      checked = checkAnswers(survey, answers);
    } catch (error) {
      throw new LinkRefused('answer', 400, 'bad_request', (error as Error).message);
    }
    const repeat = () =>
      new LinkRefused(
        'repeat',
        409,
        'conflict',
        `“${SERVICE_AREA_NAMES[serviceArea]}”这一项已经答过了，谢谢`,
      );
    try {
      await this.db.transaction(async (tx) => {
        const marked = await tx.query(
          `insert into survey_link_answers (link_id, service_area) values ($1, $2)
           on conflict do nothing returning link_id`,
          [link.id, serviceArea],
        );
        if (marked.length === 0) throw repeat();
        await this.store.in(tx).addResponse(
          {
            id: randomUUID(),
            surveyId: survey.id,
            retireeId: survey.anonymous ? null : link.retireeId,
            serviceArea,
            respondedOn: this.today(),
            source: link.respondent,
            recordedBy: null,
          },
          checked,
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw repeat();
      throw error;
    }
  }
}
