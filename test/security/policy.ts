/**
 * What the access matrix needs besides the hub itself. Who may do what is not written here: each
 * route declares its access (`config.access`, and `retiree` where it names one retiree) and the
 * running hub lists the declarations (`app.accessRoutes`, collected by server/access/guard.ts); the
 * roles of each access come from the one table, server/access/policy.ts (6.11.2.2: staff retrieve
 * and update records only as authorised). This file keeps what neither can know: which routes an
 * allowed caller does not sweep and why, and how the guard orders its answers (`expected`).
 *
 * `retiree` says where a route names one retiree, so that "own" and "other" apply: a caseworker of a
 * station reaching another station's retiree gets 404, as if the retiree did not exist; a family
 * account reaching another family's relative gets 404 too.
 *   - `path`: the `:id` of the path is the retiree's id (`retireeParam` names another path parameter);
 *   - `body`: the body's `retireeId` names the retiree;
 *   - `alert`: the `:id` of the path is an alert of the retiree.
 */
import type { AccessDeclaration } from '../../server/access/guard.ts';
import { mayAccess } from '../../server/access/policy.ts';

/** Every kind of caller the matrix tries. A caseworker with a station sees that station only. */
export const CALLERS = [
  'anonymous',
  'family',
  'operator',
  'caseworker',
  'caseworkerAll',
  'supervisor',
  'admin',
] as const;
export type Caller = (typeof CALLERS)[number];

/** A route as the hub declared it, with what the sweep must know of it. */
export interface Rule extends AccessDeclaration {
  /** Not sent by an allowed caller in the sweep, and why (its own test covers it). */
  sweepSkip?: string;
}

/** Routes an allowed caller does not sweep, and why. */
export const SWEEP_SKIP: Record<string, string> = {
  'POST /api/auth/logout': 'ends the session; the live-channel test signs out',
  'POST /api/alerts/:id/take': 'takes the alert; no body to refuse',
};

/** Known holes not closed yet, and why; the matrix reports every other one. */
export const OPEN_GAPS: Record<string, string> = {};

export type Expected = 'allowed' | 401 | 403 | 404;

/** The roles' name for a caller; a caseworker without a station is a caseworker all the same. */
export function roleOf(caller: Caller) {
  if (caller === 'anonymous') return null;
  return caller === 'caseworkerAll' ? 'caseworker' : caller;
}

/**
 * What `caller` must get from a route of `rule`, for its own retiree or another one. For a
 * station's caseworker another station's retiree named in the path, and its alerts, do not exist:
 * 404 comes before any role check (the guard decides it from the route's declaration).
 */
export function expected(route: string, rule: Rule, caller: Caller, side: 'own' | 'other'): Expected {
  const api = route.includes(' /api/');
  if (api && rule.access !== 'public' && caller === 'anonymous') return 401;
  // The guard lets family accounts reach their sign-in and their family page only; a public
  // route (the hooks an external broker calls) asks for no session, so it fences nobody.
  const familyRoute = route.includes(' /api/auth/') || route.includes(' /api/family/');
  if (api && caller === 'family' && !familyRoute && rule.access !== 'public') return 403;
  const scoped = !familyRoute && (rule.retiree === 'path' || rule.retiree === 'alert');
  if (side === 'other' && caller === 'caseworker' && scoped) return 404;
  if (!mayAccess(rule.access, roleOf(caller))) return 403;
  if (side === 'other' && rule.retiree && (caller === 'caseworker' || caller === 'family')) return 404;
  return 'allowed';
}
