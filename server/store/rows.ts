/** Small helpers to turn database rows into API shapes, and to write one row. */
import type { Queryable } from '../db/database.ts';

export function iso(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function isoRequired(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** `date` columns come back as Date at UTC midnight (pg) or as text; the API speaks YYYY-MM-DD. */
export function isoDate(value: Date | string): string {
  if (value instanceof Date) {
    const local = new Date(value.getTime() - value.getTimezoneOffset() * 60_000);
    return local.toISOString().slice(0, 10);
  }
  return value.slice(0, 10);
}

/** PostgreSQL's unique_violation. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}

/**
 * An API shape as a query selects it, its columns named as the API names them (`r.name as
 * "retireeName"`): all but the timestamps `K`, which the driver gives as Dates.
 */
export type Timed<T, K extends keyof T> = Omit<T, K> & { [P in K]: Date | string | Extract<T[P], null> };

/** An API shape as a query selects it, under the API's names, its `createdAt` a Date. */
export type Selected<T extends { createdAt: string }> = Omit<T, 'createdAt'> & { createdAt: Date | string };

/** A row selected under the API's names, its timestamps `times` as ISO text (a null one stays null). */
export function timed<T, K extends keyof T>(row: NoInfer<Timed<T, K>>, ...times: K[]): T {
  const copy: Record<string, unknown> = { ...row };
  for (const key of times) copy[key as string] = iso(copy[key as string] as Date | string | null);
  return copy as T;
}

/** A row selected under the API's names, its `createdAt` as ISO text. */
export function created<T extends { createdAt: string }>(row: Selected<T>): T {
  return { ...row, createdAt: isoRequired(row.createdAt) } as T;
}

/**
 * The rows `children` under the parent each names in its column `key`, that column left out: a
 * list's children read in one query, then handed to each parent (`childrenOf(parent.id)`).
 */
export function childrenBy<C, K extends keyof C>(
  children: readonly C[],
  key: K,
): (parent: C[K]) => Omit<C, K>[] {
  const groups = new Map<C[K], Omit<C, K>[]>();
  for (const child of children) {
    const { [key]: parent, ...rest } = child;
    const group = groups.get(parent);
    if (group) group.push(rest);
    else groups.set(parent, [rest]);
  }
  return (parent) => groups.get(parent) ?? [];
}

/**
 * Inserts one row into `table`: a column for each key of `values`, its value a parameter. `then`
 * follows the values (`on conflict …`, `returning …`); the rows it returns are answered.
 */
export async function insertRow<T = Record<string, unknown>>(
  db: Queryable,
  table: string,
  values: Record<string, unknown>,
  then = '',
): Promise<T[]> {
  const columns = Object.keys(values);
  // Names become SQL text: only plain identifiers pass, whatever object the values came in.
  for (const name of [table, ...columns]) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name))
      throw new Error(`not a column or table name: ${JSON.stringify(name)}`);
  }
  const placeholders = columns.map((_, index) => `$${index + 1}`);
  return db.query<T>(
    `insert into ${table} (${columns.join(', ')}) values (${placeholders.join(', ')}) ${then}`,
    Object.values(values),
  );
}

/** The column a camelCase name stands for: `retireeId` is `retiree_id`. */
function columnOf(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** `record` by column: each of its keys is the camelCase name of a column (`retireeId`: `retiree_id`). */
function columnsOf(record: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([name, value]) => [columnOf(name), value]));
}

/** Inserts `record` into `table`, each of its keys the camelCase name of a column (`retireeId`: `retiree_id`). */
export function insertRecord(db: Queryable, table: string, record: object): Promise<unknown[]> {
  return insertRow(db, table, columnsOf(record));
}

/**
 * Inserts `record` as `insertRecord` does or, when `table` already holds a row with the same value
 * in the unique column `key`, replaces that row's other columns with the record's.
 */
export function saveRecord(db: Queryable, table: string, key: string, record: object): Promise<unknown[]> {
  const values = columnsOf(record);
  const sets = Object.keys(values)
    .filter((column) => column !== key)
    .map((column) => `${column} = excluded.${column}`);
  return insertRow(db, table, values, `on conflict (${key}) do update set ${sets.join(', ')}`);
}

/**
 * Hands `items` to `write` `size` at a time, one after another, with a turn of the event loop
 * between. PGlite runs a statement on the hub's own thread, so one statement over a large batch
 * holds everything else (an alarm) for its whole length; cut small, an alarm waits for one chunk.
 */
export async function inChunks<T>(
  items: readonly T[],
  size: number,
  write: (chunk: T[]) => Promise<unknown>,
): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    await write(items.slice(start, start + size));
  }
}
