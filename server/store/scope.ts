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
