/**
 * The centre's deadlines (时限): how many days a reply, an approval, a test press or a step may
 * take. Each area declares its own, with the default the standard or common practice gives, and
 * reads the value the centre set (`centre_deadlines`, migration 038) when it dates a piece of work.
 * A manager changes them on the settings page, which shows who made the last change and when.
 *
 * Two kinds: a number of days (`dayDeadline`), and days per step of a procedure
 * (`stepDeadlines`: intake, after a death), where the centre may change one step and keep the rest.
 */
import type { FastifyInstance } from 'fastify';
import type { Queryable } from '../db/database.ts';
import { badRequest, notFound } from '../errors.ts';
import type { Deadline as DeadlineView } from '../schemas/deadlines.ts';

interface Described {
  /** `area.name`, the key it is stored under. */
  key: string;
  title: string;
  /** The clause of DB51/T 2839-2021 it serves, or '' when the standard sets no number. */
  clause: string;
  min: number;
  max: number;
}

export interface DayDeadline extends Described {
  kind: 'days';
  days: number;
}

export interface StepDeadlines<Step extends string = string> extends Described {
  kind: 'steps';
  steps: readonly { step: Step; title: string; days: number }[];
}

export type Deadline = DayDeadline | StepDeadlines;

interface Description {
  title: string;
  clause?: string;
  min?: number;
  max?: number;
}

function described(key: string, description: Description, min: number): Described {
  return {
    key,
    title: description.title,
    clause: description.clause ?? '',
    min: description.min ?? min,
    max: description.max ?? 365,
  };
}

/** A number of days, at least 1 unless `min` says otherwise. */
export function dayDeadline(key: string, days: number, description: Description): DayDeadline {
  return { kind: 'days', days, ...described(key, description, 1) };
}

/** Days per step of a procedure, counted from its start (0: the same day). */
export function stepDeadlines<Step extends string>(
  key: string,
  steps: readonly { step: Step; title: string; days: number }[],
  description: Description,
): StepDeadlines<Step> {
  return { kind: 'steps', steps, ...described(key, description, 0) };
}

interface Row {
  key: string;
  value: number | Record<string, number>;
  updated_by_name: string | null;
  updated_at: Date | null;
}

/** The values the centre set, over the declared defaults; and the deadlines every area declared. */
export class Deadlines {
  readonly #declared = new Map<string, Deadline>();

  constructor(private readonly db: Queryable) {}

  add(...deadlines: Deadline[]): void {
    for (const deadline of deadlines) this.#declared.set(deadline.key, deadline);
  }

  /** The days `deadline` allows now. */
  async days(deadline: DayDeadline, db: Queryable = this.db): Promise<number> {
    const value = await this.value(deadline.key, db);
    return typeof value === 'number' ? value : deadline.days;
  }

  /** The days each step allows now, a step the centre did not set at its default. */
  async steps<Step extends string>(
    deadline: StepDeadlines<Step>,
    db: Queryable = this.db,
  ): Promise<Record<Step, number>> {
    const value = await this.value(deadline.key, db);
    const set = value && typeof value === 'object' ? value : {};
    return Object.fromEntries(
      deadline.steps.map(({ step, days }) => [step, typeof set[step] === 'number' ? set[step] : days]),
    ) as Record<Step, number>;
  }

  /** Every declared deadline with its value, by area then title. */
  async list(): Promise<DeadlineView[]> {
    const rows = await this.db.query<Row>(
      `select d.key, d.value, u.display_name as updated_by_name, d.updated_at
         from centre_deadlines d left join users u on u.id = d.updated_by`,
    );
    const stored = new Map(rows.map((row) => [row.key, row]));
    return [...this.#declared.values()]
      .sort((a, b) => a.key.localeCompare(b.key))
      .map((deadline) => this.view(deadline, stored.get(deadline.key)));
  }

  /**
   * Sets `key` to `value` (days, or days per step: the steps not named keep theirs); 400 when the
   * value is out of bounds or names no step of it, 404 when nothing declares the key.
   */
  async set(key: string, value: number | Record<string, number>, by: string): Promise<DeadlineView> {
    const deadline = this.#declared.get(key);
    if (!deadline) throw notFound('deadline');
    const inBounds = (days: number, what: string) => {
      if (!Number.isInteger(days) || days < deadline.min || days > deadline.max) {
        throw badRequest(`${what}: 应为 ${deadline.min}–${deadline.max} 天的整数 (whole days within bounds)`);
      }
    };
    let stored: number | Record<string, number>;
    if (deadline.kind === 'days') {
      if (typeof value !== 'number') throw badRequest(`${key}: 应为天数 (a number of days)`);
      inBounds(value, key);
      stored = value;
    } else {
      if (typeof value !== 'object') throw badRequest(`${key}: 应为各步骤的天数 (days per step)`);
      const known = new Set(deadline.steps.map((step) => step.step));
      for (const [step, days] of Object.entries(value)) {
        if (!known.has(step)) throw badRequest(`${key}.${step}: 没有这个步骤 (no such step)`);
        inBounds(days, `${key}.${step}`);
      }
      // Only the steps the centre set are kept: the others follow their default, should it change.
      const before = await this.value(key);
      stored = { ...(before && typeof before === 'object' ? before : {}), ...value };
    }
    await this.db.query(
      `insert into centre_deadlines (key, value, updated_by, updated_at) values ($1, $2::jsonb, $3, now())
       on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by,
         updated_at = excluded.updated_at`,
      [key, JSON.stringify(stored), by],
    );
    return this.view(deadline, await this.stored(key));
  }

  /** The value the centre set for `key`, read alone: dating work needs no name of who set it. */
  private async value(key: string, db: Queryable = this.db): Promise<Row['value'] | undefined> {
    const [row] = await db.query<Pick<Row, 'value'>>('select value from centre_deadlines where key = $1', [
      key,
    ]);
    return row?.value;
  }

  private async stored(key: string, db: Queryable = this.db): Promise<Row | undefined> {
    const [row] = await db.query<Row>(
      `select d.key, d.value, u.display_name as updated_by_name, d.updated_at
         from centre_deadlines d left join users u on u.id = d.updated_by where d.key = $1`,
      [key],
    );
    return row;
  }

  private view(deadline: Deadline, row: Row | undefined): DeadlineView {
    const set = row?.value;
    const common = {
      key: deadline.key,
      title: deadline.title,
      clause: deadline.clause,
      min: deadline.min,
      max: deadline.max,
      updatedBy: row?.updated_by_name ?? null,
      updatedAt: row?.updated_at ? new Date(row.updated_at).toISOString() : null,
    };
    if (deadline.kind === 'days') {
      return {
        ...common,
        kind: 'days',
        defaultDays: deadline.days,
        days: typeof set === 'number' ? set : deadline.days,
        steps: [],
      };
    }
    const values = set && typeof set === 'object' ? set : {};
    return {
      ...common,
      kind: 'steps',
      defaultDays: null,
      days: null,
      steps: deadline.steps.map(({ step, title, days }) => ({
        step,
        title,
        defaultDays: days,
        days: typeof values[step] === 'number' ? values[step] : days,
      })),
    };
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The centre's deadlines (decorated by app.ts before the areas register). */
    deadlines: Deadlines;
  }
}

/** Declares an area's deadlines, for the settings page to list and change. */
export function addDeadlines(app: FastifyInstance, ...deadlines: Deadline[]): void {
  if (app.hasDecorator('deadlines')) app.deadlines.add(...deadlines);
}
