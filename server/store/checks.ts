/**
 * Checks of a request's values against the records, shared by the service areas (living treatment,
 * care, roles, activities, after death, consents): the retiree named exists (404 otherwise), the
 * owner named is a staff account (400), a date is a real calendar date (400). Which retirees a user
 * may reach at all is ./scope.ts.
 */
import { isDate } from '../calendar.ts';
import type { Queryable } from '../db/database.ts';
import { badRequest, notFound } from '../errors.ts';
import { isUuid, uuidOr404 } from '../ids.ts';
import { assertInScope, type Scope } from './scope.ts';

/** The retiree `id` names, with the name and archive status the areas check; 404 when there is none. */
export async function retireeOr404(
  db: Queryable,
  id: string,
): Promise<{ id: string; name: string; status: string }> {
  const [row] = await db.query<{ id: string; name: string; status: string }>(
    'select id, name, status from retirees where id = $1',
    [uuidOr404(id, 'retiree')],
  );
  if (!row) throw notFound('retiree');
  return row;
}

/** The retiree `id` names when it exists and is in the scope; 404 otherwise, as if there were none. */
export async function retireeInScope(
  db: Queryable,
  scope: Scope,
  id: string,
): Promise<{ id: string; name: string; status: string }> {
  const retiree = await retireeOr404(db, id);
  await assertInScope(db, scope, retiree.id);
  return retiree;
}

/** A staff account (not a family one) to own a piece of work; 400 on `ownerId` otherwise. */
export async function userOr400(db: Queryable, id: string): Promise<string> {
  const [row] = await db.query<{ id: string }>(`select id from users where id = $1 and role <> 'family'`, [
    uuidOr404(id, 'user'),
  ]);
  if (!row) throw badRequest('ownerId: 没有这名工作人员');
  return row.id;
}

/**
 * The id of an active staff account that can own work (exists, not disabled, not a family
 * account); a 400 naming `field` otherwise.
 */
export async function staffUser(db: Queryable, id: string, field: string): Promise<string> {
  const message = `${field}: 不是有效的工作人员账号 (not an active staff user)`;
  if (!isUuid(id)) throw badRequest(message);
  const [row] = await db.query<{ id: string }>(
    `select id from users where id = $1 and not disabled and role <> 'family'`,
    [id.toLowerCase()],
  );
  if (!row) throw badRequest(message);
  return row.id;
}

/** `value` when it is a real YYYY-MM-DD date; 400 naming `field` otherwise. */
export function checkDate(value: string, field: string): string {
  if (!isDate(value)) throw badRequest(`${field}: 不是有效日期`);
  return value;
}

/** `value` when it is a real date no later than `today`; 400 naming `field` otherwise. */
export function notAfterToday(value: string, field: string, today: string): string {
  checkDate(value, field);
  if (value > today) throw badRequest(`${field}: 不能晚于今天`);
  return value;
}

/** `value` trimmed; 400 naming the field, its label and its name, when nothing is left. */
export function requiredText(value: string, name: string, label: string): string {
  const trimmed = value.trim();
  if (!trimmed) throw badRequest(`${label}（${name}）不能为空`);
  return trimmed;
}

/** 400 naming the field, its label and its name, when `value` is given and is not a real date. */
export function checkLabelledDate(value: string | null | undefined, name: string, label: string): void {
  if (value && !isDate(value)) throw badRequest(`${label}（${name}）不是有效日期，应为“年-月-日”`);
}
