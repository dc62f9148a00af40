/**
 * The yearly culture-and-sport plan (6.6.1 a, 6.6.2.2: 针对年龄、身体、专长等特点，制定年度文化体育活动
 * 计划): one plan a year, its items each naming the ages, the health and the skills they suit.
 */
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/database.ts';
import { conflict, notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type { ActivityPlan, ActivityPlanInput, PlanItemInput, PlanQuery } from '../schemas/activities.ts';
import { childrenBy, isoRequired, isUniqueViolation } from '../store/rows.ts';

interface PlanRow {
  id: string;
  year: number;
  title: string;
  notes: string;
  created_at: Date | string;
}

/** A plan's item as selected under the API's names, with the plan it belongs to. */
type ItemRow = ActivityPlan['items'][number] & { planId: string };

export class ActivityPlans {
  constructor(private readonly db: Database) {}

  private async withItems(db: Queryable, plans: PlanRow[]): Promise<ActivityPlan[]> {
    if (plans.length === 0) return [];
    const items = await db.query<ItemRow>(
      `select id, plan_id as "planId", title, kind, month, age_group as "ageGroup", health, skills, notes
         from activity_plan_items where plan_id = any($1::uuid[]) order by month nulls last, created_at, id`,
      [plans.map((plan) => plan.id)],
    );
    const itemsOf = childrenBy(items, 'planId');
    return plans.map((plan) => ({
      id: plan.id,
      year: Number(plan.year),
      title: plan.title,
      notes: plan.notes,
      items: itemsOf(plan.id),
      createdAt: isoRequired(plan.created_at),
    }));
  }

  async list(query: PlanQuery): Promise<ActivityPlan[]> {
    const params: unknown[] = [];
    if (query.year !== undefined) params.push(query.year);
    const rows = await this.db.query<PlanRow>(
      `select id, year, title, notes, created_at from activity_plans ${params.length ? 'where year = $1' : ''}
        order by year desc`,
      params,
    );
    return this.withItems(this.db, rows);
  }

  async byId(id: string, db: Queryable = this.db): Promise<ActivityPlan> {
    const rows = await db.query<PlanRow>(
      'select id, year, title, notes, created_at from activity_plans where id = $1',
      [uuidOr404(id, 'plan')],
    );
    if (rows.length === 0) throw notFound('plan');
    const [plan] = await this.withItems(db, rows);
    return plan as ActivityPlan;
  }

  /** One plan a year: 409 when the year has one. */
  async create(input: ActivityPlanInput, userId: string): Promise<ActivityPlan> {
    const id = randomUUID();
    try {
      await this.db.query(
        'insert into activity_plans (id, year, title, notes, created_by) values ($1, $2, $3, $4, $5)',
        [id, input.year, input.title.trim(), (input.notes ?? '').trim(), userId],
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`${input.year}年已有文体活动计划`);
      throw error;
    }
    return this.byId(id);
  }

  async addItem(planId: string, input: PlanItemInput): Promise<ActivityPlan> {
    const plan = await this.byId(planId);
    await this.db.query(
      `insert into activity_plan_items (id, plan_id, title, kind, month, age_group, health, skills, notes)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        randomUUID(),
        plan.id,
        input.title.trim(),
        input.kind,
        input.month ?? null,
        input.ageGroup ?? 'all',
        input.health ?? 'all',
        (input.skills ?? '').trim(),
        (input.notes ?? '').trim(),
      ],
    );
    return this.byId(plan.id);
  }
}
