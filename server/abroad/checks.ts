/** What the abroad routes check of a body: the retiree it names, in the caller's scope, and its dates. */
import type { Queryable } from '../db/database.ts';
import { badRequest } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { checkLabelledDate } from '../store/checks.ts';
import { inScopeOf, type Scope } from '../store/scope.ts';
import { type RetireeFacts, retireeFacts } from './requests.ts';

/** Whether the retiree is in the caller's scope (a station's caseworker: that station). */
export async function visible(db: Queryable, scope: Scope, retireeId: string): Promise<boolean> {
  return (await inScopeOf(db, scope, [retireeId])).has(retireeId);
}

/**
 * The retiree named in a body: 400 when there is none (the body names nothing), and the same
 * when the retiree is outside the caller's station, which must not learn that it exists.
 */
export async function retireeFromBody(db: Queryable, id: string, scope: Scope): Promise<RetireeFacts> {
  const retiree = isUuid(id) ? await retireeFacts(db, id.toLowerCase()) : null;
  if (!retiree || !(await visible(db, scope, retiree.id))) throw badRequest('retireeId：未找到该军休干部');
  return retiree;
}

/** 400 for the first of `[name, label, value]` whose value is not a real date. */
export function checkDates(fields: [string, string, string | undefined][]): void {
  for (const [name, label, value] of fields) checkLabelledDate(value, name, label);
}
