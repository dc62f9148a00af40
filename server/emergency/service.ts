/**
 * Emergency management (5.1.7): the centre's plan for each kind of emergency, with who does what,
 * and the drills that rehearse them. One plan is in force per kind; a new plan for a kind retires
 * the one before it (kept, with the day it stopped). A drill names the plan it rehearsed (or only
 * its kind), the staff who took part, and what it found; the improvement actions its findings
 * raise name it (evaluation, finding kind `drill`, 7.2).
 */
import { randomUUID } from 'node:crypto';
import { addMonths } from '../calendar.ts';
import type { Queryable } from '../db/database.ts';
import { badRequest, conflict, HubError, notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type {
  EmergencyDrill,
  EmergencyDrillInput,
  EmergencyDrillQuery,
  EmergencyKind,
  EmergencyPlan,
  EmergencyPlanInput,
  EmergencyPlanQuery,
  PlanDuty,
} from '../schemas/emergency.ts';
import { checkDate, notAfterToday, requiredText, staffUser } from '../store/checks.ts';
import { Filter } from '../store/filter.ts';
import { RecordKeeper } from '../store/keeper.ts';
import { isoRequired, isUniqueViolation } from '../store/rows.ts';

export const KIND_NAMES: Record<EmergencyKind, string> = {
  fire: '火灾',
  fall: '跌倒',
  medical: '突发疾病',
  wandering: '走失',
  outage: '停电断网',
  public_health: '公共卫生事件',
  disaster: '自然灾害',
  other: '其他',
};

/** A plan is reviewed a year after it takes effect unless a review date is given. */
export const REVIEW_MONTHS = 12;

interface PlanRow {
  id: string;
  kind: EmergencyKind;
  title: string;
  summary: string;
  duties: { who: string; userId: string | null; action: string }[];
  contacts: string;
  effective_on: string;
  review_on: string;
  retired_at: Date | null;
  updated_by_name: string;
  updated_at: Date;
  drills: number;
  last_drill_on: string | null;
}

interface DrillRow {
  id: string;
  plan_id: string | null;
  plan_title: string | null;
  kind: EmergencyKind;
  held_on: string;
  scenario: string;
  place: string;
  others: string;
  findings: string;
  recorded_by_name: string;
  recorded_at: Date;
}

const SELECT_PLAN = `select p.id, p.kind, p.title, p.summary, p.duties, p.contacts, p.effective_on::text as effective_on,
    p.review_on::text as review_on, p.retired_at, u.display_name as updated_by_name, p.updated_at,
    (select count(*)::int from emergency_drills d where d.plan_id = p.id) as drills,
    (select max(d.held_on)::text from emergency_drills d where d.plan_id = p.id) as last_drill_on
  from emergency_plans p join users u on u.id = p.updated_by`;

const SELECT_DRILL = `select d.id, d.plan_id, p.title as plan_title, d.kind, d.held_on::text as held_on, d.scenario,
    d.place, d.others, d.findings, u.display_name as recorded_by_name, d.recorded_at
  from emergency_drills d join users u on u.id = d.recorded_by left join emergency_plans p on p.id = d.plan_id`;

export class EmergencyService extends RecordKeeper {
  /** The plans in force (all of them, retired ones too, with `all`), by kind. */
  async plans(query: EmergencyPlanQuery): Promise<EmergencyPlan[]> {
    const filter = new Filter()
      .when('p.kind = ?', query.kind)
      .where(query.all !== true && 'p.retired_at is null');
    const rows = await this.db.query<PlanRow>(
      `${SELECT_PLAN} where ${filter.sql} order by p.kind, p.retired_at desc nulls first, p.effective_on desc`,
      filter.params,
    );
    return this.withNames(rows);
  }

  async plan(id: string, db: Queryable = this.db): Promise<EmergencyPlan> {
    const rows = await db.query<PlanRow>(`${SELECT_PLAN} where p.id = $1`, [uuidOr404(id, 'emergency plan')]);
    if (!rows.length) throw notFound('emergency plan');
    return (await this.withNames(rows, db))[0] as EmergencyPlan;
  }

  /**
   * A plan for its kind, in force from now: the one in force before it is retired in the same
   * transaction. Each duty names a post, and may name a member of staff (400 when not one).
   */
  async createPlan(input: EmergencyPlanInput, userId: string): Promise<EmergencyPlan> {
    const effectiveOn = checkDate(input.effectiveOn, 'effectiveOn');
    const reviewOn = input.reviewOn
      ? checkDate(input.reviewOn, 'reviewOn')
      : addMonths(effectiveOn, REVIEW_MONTHS);
    if (reviewOn <= effectiveOn) throw badRequest('reviewOn: 复审日期应晚于生效日期 (after effectiveOn)');
    const duties: PlanDuty[] = [];
    for (const [index, duty] of input.duties.entries()) {
      duties.push({
        who: requiredText(duty.who, `duties.${index}.who`, '岗位'),
        userId: duty.userId ? await staffUser(this.db, duty.userId, `duties.${index}.userId`) : null,
        userName: null,
        action: requiredText(duty.action, `duties.${index}.action`, '职责'),
      });
    }
    const id = randomUUID();
    await this.db
      .transaction(async (tx) => {
        await tx.query(`update emergency_plans set retired_at = $2 where kind = $1 and retired_at is null`, [
          input.kind,
          this.clock(),
        ]);
        await tx.query(
          `insert into emergency_plans (id, kind, title, summary, duties, contacts, effective_on, review_on,
           updated_by, updated_at)
         values ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10)`,
          [
            id,
            input.kind,
            requiredText(input.title, 'title', '预案名称'),
            input.summary?.trim() ?? '',
            JSON.stringify(duties.map(({ who, userId, action }) => ({ who, userId, action }))),
            input.contacts?.trim() ?? '',
            effectiveOn,
            reviewOn,
            userId,
            this.clock(),
          ],
        );
      })
      .catch((error: unknown) => {
        // One plan in force per kind (a unique index): of two new plans at once, the second is refused.
        if (isUniqueViolation(error)) throw conflict('该类别的预案刚刚有人更新，请刷新后再提交');
        throw error;
      });
    return this.plan(id);
  }

  /** Drills, latest first, by kind, plan or the days they were held. */
  async drills(query: EmergencyDrillQuery): Promise<EmergencyDrill[]> {
    const filter = new Filter()
      .when('d.kind = ?', query.kind)
      .id('d.plan_id', query.planId, 'emergency plan')
      .when('d.held_on >= ?::date', query.from)
      .when('d.held_on <= ?::date', query.to);
    const rows = await this.db.query<DrillRow>(
      `${SELECT_DRILL} where ${filter.sql} order by d.held_on desc, d.recorded_at desc limit ${query.limit ?? 200}`,
      filter.params,
    );
    return this.drillsOf(rows);
  }

  async drill(id: string): Promise<EmergencyDrill> {
    const rows = await this.db.query<DrillRow>(`${SELECT_DRILL} where d.id = $1`, [
      uuidOr404(id, 'emergency drill'),
    ]);
    if (!rows.length) throw notFound('emergency drill');
    return (await this.drillsOf(rows))[0] as EmergencyDrill;
  }

  /**
   * A drill held (not in the future): of a plan (its kind follows) or of a kind alone; the staff
   * who took part (at least one), others in words, and what it found.
   */
  async createDrill(input: EmergencyDrillInput, userId: string): Promise<EmergencyDrill> {
    const heldOn = notAfterToday(input.heldOn, 'heldOn', this.today());
    let kind = input.kind;
    let planId: string | null = null;
    if (input.planId) {
      const plan = await this.plan(input.planId).catch((error: unknown) => {
        // A plan that is not there is the request's fault; any other failure stays the hub's.
        if (error instanceof HubError && error.statusCode === 404) {
          throw badRequest('planId: 没有这个应急预案 (no such plan)');
        }
        throw error;
      });
      if (kind && kind !== plan.kind) {
        throw badRequest(`kind: 与预案的类别（${plan.kindName}）不一致 (the plan's kind is ${plan.kind})`);
      }
      kind = plan.kind;
      planId = plan.id;
    }
    if (!kind) throw badRequest('kind: 请指明演练的预案或类别 (a plan or a kind)');
    const participants = [...new Set(input.participantIds.map((id) => id.toLowerCase()))];
    for (const [index, participant] of participants.entries()) {
      await staffUser(this.db, participant, `participantIds.${index}`);
    }
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      await tx.query(
        `insert into emergency_drills (id, plan_id, kind, held_on, scenario, place, others, findings, recorded_by,
           recorded_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          id,
          planId,
          kind,
          heldOn,
          requiredText(input.scenario, 'scenario', '演练情景'),
          input.place?.trim() ?? '',
          input.others?.trim() ?? '',
          input.findings?.trim() ?? '',
          userId,
          this.clock(),
        ],
      );
      await tx.query(
        `insert into emergency_drill_participants (drill_id, user_id) select $1, unnest($2::uuid[])`,
        [id, participants],
      );
    });
    return this.drill(id);
  }

  /** The plans as the API gives them: each duty's member of staff by name. */
  private async withNames(rows: PlanRow[], db: Queryable = this.db): Promise<EmergencyPlan[]> {
    const ids = [
      ...new Set(rows.flatMap((row) => row.duties.flatMap((duty) => (duty.userId ? [duty.userId] : [])))),
    ];
    const names = new Map(
      ids.length
        ? (
            await db.query<{ id: string; name: string }>(
              'select id, display_name as name from users where id = any($1::uuid[])',
              [ids],
            )
          ).map((row) => [row.id, row.name])
        : [],
    );
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      kindName: KIND_NAMES[row.kind],
      title: row.title,
      summary: row.summary,
      duties: row.duties.map((duty) => ({
        who: duty.who,
        userId: duty.userId,
        userName: duty.userId ? (names.get(duty.userId) ?? null) : null,
        action: duty.action,
      })),
      contacts: row.contacts,
      effectiveOn: row.effective_on,
      reviewOn: row.review_on,
      current: row.retired_at === null,
      retiredAt: row.retired_at ? isoRequired(row.retired_at) : null,
      updatedBy: row.updated_by_name,
      updatedAt: isoRequired(row.updated_at),
      drills: row.drills,
      lastDrillOn: row.last_drill_on,
    }));
  }

  /** The drills as the API gives them: with who took part and the actions their findings raised. */
  private async drillsOf(rows: DrillRow[]): Promise<EmergencyDrill[]> {
    const ids = rows.map((row) => row.id);
    const [people, actions] = ids.length
      ? await Promise.all([
          this.db.query<{ drill_id: string; user_id: string; name: string }>(
            `select p.drill_id, p.user_id, u.display_name as name from emergency_drill_participants p
               join users u on u.id = p.user_id where p.drill_id = any($1::uuid[]) order by u.display_name, u.id`,
            [ids],
          ),
          this.db.query<{ id: string; drill_id: string }>(
            `select id, drill_id from improvement_actions where drill_id = any($1::uuid[]) order by created_at, id`,
            [ids],
          ),
        ])
      : [[], []];
    return rows.map((row) => ({
      id: row.id,
      planId: row.plan_id,
      planTitle: row.plan_title,
      kind: row.kind,
      kindName: KIND_NAMES[row.kind],
      heldOn: row.held_on,
      scenario: row.scenario,
      place: row.place,
      participants: people
        .filter((person) => person.drill_id === row.id)
        .map((person) => ({ userId: person.user_id, name: person.name })),
      others: row.others,
      findings: row.findings,
      actionIds: actions.filter((action) => action.drill_id === row.id).map((action) => action.id),
      recordedBy: row.recorded_by_name,
      recordedAt: isoRequired(row.recorded_at),
    }));
  }
}
