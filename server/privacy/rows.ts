/**
 * Which rows go with a set of starting rows, from the foreign keys alone. Starting from seeds (a
 * retiree's rows, or closed alerts past their retention), every row that cannot exist without a
 * marked row (a NOT NULL reference to it) is marked too, transitively; a row that may outlive it (a
 * nullable reference) keeps living with the reference cut. Rows are deleted children first, so no
 * constraint is ever violated, inside the caller's transaction.
 */
import type { Queryable } from '../db/database.ts';
import { type Catalog, type ForeignKey, ident } from './catalog.ts';

/** A predicate over one table, written for the given alias; `$1` is the plan's single parameter. */
export type Condition = (alias: string) => string;

export interface Seed {
  table: string;
  condition: Condition;
}

export interface RowPlan {
  /** The marked tables, children before parents. */
  order: string[];
  /** Rows of a marked table that go: every predicate that marks them, joined with OR. */
  condition(table: string, alias: string): string;
  /** Nullable references into marked rows: the rows stay, the reference is cut before its target goes. */
  detach: ForeignKey[];
}

const MAX_DEPTH = 32;

export function planRows(catalog: Catalog, seeds: Seed[]): RowPlan {
  const predicates = new Map<string, Condition[]>();
  const add = (table: string, condition: Condition) => {
    const list = predicates.get(table) ?? [];
    list.push(condition);
    predicates.set(table, list);
  };
  for (const seed of seeds) add(seed.table, seed.condition);

  let aliases = 0;
  const fresh = () => `r${++aliases}`;
  const conditionAt = (table: string, alias: string, depth: number): string => {
    if (depth > MAX_DEPTH) throw new Error(`foreign keys reach ${table} in a cycle deeper than ${MAX_DEPTH}`);
    const list = predicates.get(table) ?? [];
    if (list.length === 0) return 'false';
    return `(${list.map((predicate) => `(${predicate(alias)})`).join(' or ')})`;
  };
  const references = (key: ForeignKey, depth: number): Condition => {
    return (alias) => {
      const inner = fresh();
      const left = key.childColumns.map((column) => `${alias}.${ident(column)}`).join(', ');
      const right = key.parentColumns.map((column) => `${inner}.${ident(column)}`).join(', ');
      return `(${left}) in (select ${right} from ${ident(key.parent)} as ${inner} where ${conditionAt(key.parent, inner, depth + 1)})`;
    };
  };

  // A row that cannot exist without a marked row is marked too; repeat until nothing new is reached.
  const followed = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const key of catalog.foreignKeys) {
      if (key.nullable || followed.has(key.name) || !predicates.has(key.parent)) continue;
      followed.add(key.name);
      add(key.child, references(key, 0));
      changed = true;
    }
  }

  const marked = [...predicates.keys()];
  const order = childrenFirst(
    marked,
    catalog.foreignKeys.filter((key) => predicates.has(key.child) && predicates.has(key.parent)),
  );
  const detach = catalog.foreignKeys.filter((key) => key.nullable && predicates.has(key.parent));
  return {
    order,
    condition: (table, alias) => conditionAt(table, alias, 0),
    detach,
  };
}

/** Kahn's order over "child references parent", a table's own references left out. */
function childrenFirst(tables: string[], keys: ForeignKey[]): string[] {
  const remaining = new Set(tables);
  const order: string[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining]
      .filter(
        (table) =>
          !keys.some((key) => key.parent === table && key.child !== table && remaining.has(key.child)),
      )
      .sort();
    if (ready.length === 0) {
      throw new Error(`foreign keys form a cycle between ${[...remaining].sort().join(', ')}`);
    }
    for (const table of ready) {
      order.push(table);
      remaining.delete(table);
    }
  }
  return order;
}

/** The condition of a nullable reference: the child rows pointing at marked rows of its parent. */
export function pointingInto(plan: RowPlan, key: ForeignKey, alias: string): string {
  const inner = `${alias}_target`;
  const left = key.childColumns.map((column) => `${alias}.${ident(column)}`).join(', ');
  const right = key.parentColumns.map((column) => `${inner}.${ident(column)}`).join(', ');
  return `(${left}) in (select ${right} from ${ident(key.parent)} as ${inner} where ${plan.condition(key.parent, inner)})`;
}

/** Every marked row, by table, as the database gives it (read before anything is deleted). */
export async function collectRows(
  q: Queryable,
  plan: RowPlan,
  params: unknown[],
): Promise<Map<string, Record<string, unknown>[]>> {
  const rows = new Map<string, Record<string, unknown>[]>();
  for (const table of [...plan.order].reverse()) {
    const found = await q.query<Record<string, unknown>>(
      `select t.* from ${ident(table)} as t where ${plan.condition(table, 't')}`,
      params,
    );
    if (found.length > 0) rows.set(table, found);
  }
  return rows;
}

export interface TableCount {
  deleted: number;
  /** Rows that stay with a reference to a deleted row cut (set to null). */
  detached: number;
}

/** Cuts nullable references and deletes the marked rows, children first; counts per table. */
export async function eraseRows(
  q: Queryable,
  plan: RowPlan,
  params: unknown[],
): Promise<Record<string, TableCount>> {
  const counts: Record<string, TableCount> = {};
  const count = (table: string) => {
    counts[table] ??= { deleted: 0, detached: 0 };
    return counts[table];
  };
  for (const table of plan.order) {
    for (const key of plan.detach.filter((candidate) => candidate.parent === table)) {
      const set = key.childColumns.map((column) => `${ident(column)} = null`).join(', ');
      const [row] = await q.query<{ n: number }>(
        `with cut as (update ${ident(key.child)} as c set ${set} where ${pointingInto(plan, key, 'c')} returning 1)
         select count(*)::int as n from cut`,
        params,
      );
      if (row && row.n > 0) count(key.child).detached += row.n;
    }
    const [row] = await q.query<{ n: number }>(
      `with gone as (delete from ${ident(table)} as t where ${plan.condition(table, 't')} returning 1)
       select count(*)::int as n from gone`,
      params,
    );
    if (row && row.n > 0) count(table).deleted += row.n;
  }
  return counts;
}
