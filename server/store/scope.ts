/**
 * Whose retirees a staff member sees. A caseworker assigned to a station sees that station's
 * retirees and nothing of the others; managers (admin, supervisor), operators on the monitoring desk
 * and a caseworker without a station see the whole centre.
 *
 * Services take a `Scope` and add `inScope(...)` to their list queries and `assertInScope(...)` to
 * every read or change of one record; a record outside the scope answers 404, as if it did not exist.
 */
import type { Queryable } from '../db/database.ts';
import { notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type { User } from '../schemas/auth.ts';

export interface Scope {
  /** The one station whose retirees may be seen; null for the whole centre. */
  station: string | null;
}

export const WHOLE_CENTRE: Scope = { station: null };

export function scopeOf(user: Pick<User, 'role'> & { station?: string | null }): Scope {
  if (user.role === 'caseworker' && user.station) return { station: user.station };
  return WHOLE_CENTRE;
}

/**
 * A SQL condition keeping rows whose retiree (the expression `retireeId`, e.g. `b.retiree_id`) is in
 * scope; pushes its parameter onto `params`. Returns `true` for the whole centre.
 */
export function inScope(scope: Scope, retireeId: string, params: unknown[]): string {
  if (scope.station === null) return 'true';
  params.push(scope.station);
  return `exists (select 1 from retirees scope_r where scope_r.id = ${retireeId} and scope_r.station = $${params.length})`;
}

/** Throws 404 ("retiree not found") when the retiree is outside the scope. */
export async function assertInScope(db: Queryable, scope: Scope, retireeId: string): Promise<void> {
  if (scope.station === null) return;
  const rows = await db.query('select 1 from retirees where id = $1 and station = $2', [
    retireeId,
    scope.station,
  ]);
  if (rows.length === 0) throw notFound('retiree');
}

/**
 * A record route's guard: the row of `table` that `id` names is about a retiree in the caller's
 * scope; 404 (`what`) when there is no such row, 404 (retiree) when it is outside the scope. It
 * reads the retiree alone, so the call that follows reads the record once.
 */
export function rowInScope(db: Queryable, table: string, what: string) {
  return async (id: string, caller: { scope: Scope }): Promise<void> => {
    const [row] = await db.query<{ retiree_id: string }>(`select retiree_id from ${table} where id = $1`, [
      uuidOr404(id, what),
    ]);
    if (!row) throw notFound(what);
    await assertInScope(db, caller.scope, row.retiree_id);
  };
}

/** Throws 404 ("alert not found") when the alert's retiree is outside the scope. */
export async function assertAlertInScope(db: Queryable, scope: Scope, alertId: string): Promise<void> {
  if (scope.station === null) return;
  const rows = await db.query(
    'select 1 from alerts a join retirees r on r.id = a.retiree_id where a.id = $1 and r.station = $2',
    [alertId, scope.station],
  );
  if (rows.length === 0) throw notFound('alert');
}

/** The ids of the scope's retirees; null for the whole centre. */
export async function retireesOfScope(db: Queryable, scope: Scope): Promise<Set<string> | null> {
  if (scope.station === null) return null;
  const rows = await db.query<{ id: string }>('select id from retirees where station = $1', [scope.station]);
  return new Set(rows.map((row) => row.id));
}

/** Those of `retireeIds` that are in the scope (all of them for the whole centre). */
export async function inScopeOf(db: Queryable, scope: Scope, retireeIds: string[]): Promise<Set<string>> {
  if (scope.station === null || retireeIds.length === 0) return new Set(retireeIds);
  const rows = await db.query<{ id: string }>(
    'select id from retirees where id = any($1::uuid[]) and station = $2',
    [retireeIds, scope.station],
  );
  return new Set(rows.map((row) => row.id));
}
