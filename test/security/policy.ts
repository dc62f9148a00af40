/**
 * Who may do what: the expected access policy of every API route, written down from the route code
 * (each `requireRole(...)`, the guard in server/routes/guard.ts, the station scope of
 * server/records/scope.ts) and the README, not from running the hub. The matrix test asks the
 * running hub every route × role and compares; a route the hub registers that is not in this table
 * fails the test until someone decides who may use it (6.11.2.2: staff retrieve and update records
 * only as authorised).
 *
 * `retiree` says where a route names one retiree, so that "own" and "other" apply: a caseworker of a
 * station reaching another station's retiree gets 404, as if the retiree did not exist; a family
 * account reaching another family's relative gets 404 too.
 *   - `path`: the `:id` of the path is the retiree's id (`retireeId` names another path parameter);
 *   - `body`: the body's `retireeId` names the retiree;
 *   - `alert`: the `:id` of the path is an alert of the retiree.
 */

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

/** Roles as the table names them; `caseworker` covers caseworkers with and without a station. */
type Role = 'anonymous' | 'family' | 'operator' | 'caseworker' | 'supervisor' | 'admin';

export interface Rule {
  allow: readonly Role[];
  retiree?: 'path' | 'body' | 'alert';
  /** The path parameter holding the retiree's id when it is not `id`. */
  retireeParam?: string;
  /** Not sent by an allowed caller in the sweep, and why (its own test covers it). */
  sweepSkip?: string;
}

// Role groups, as the route files name them.
const PUBLIC: Role[] = ['anonymous', 'family', 'operator', 'caseworker', 'supervisor', 'admin'];
/** Anyone signed in: their own account (guard.ts lets family accounts reach /api/auth/*). */
const SIGNED_IN: Role[] = ['family', 'operator', 'caseworker', 'supervisor', 'admin'];
/** All staff: reading most service records (`READ`, `readers`, `staff` of rescue.ts, family.ts). */
const STAFF: Role[] = ['operator', 'caseworker', 'supervisor', 'admin'];
/** Staff who keep the records: changing service records (`WRITE`, `writers`, abroad/medical `STAFF`). */
const RECORDS: Role[] = ['caseworker', 'supervisor', 'admin'];
/** The monitoring desk: alerts, duty, alert reports (`staff` of alerts.ts and duty.ts). */
const DESK: Role[] = ['operator', 'supervisor', 'admin'];
/** Managers: approvals, family accounts, devices, roster (`managers`, `DECIDERS`, `APPROVERS`). */
const MANAGERS: Role[] = ['supervisor', 'admin'];
const ADMIN: Role[] = ['admin'];
const FAMILY: Role[] = ['family'];

export const POLICY: Record<string, Rule> = {
  // Operators' endpoints and signing in.
  'GET /healthz': { allow: PUBLIC },
  'GET /metrics': { allow: PUBLIC },
  'POST /api/auth/login': { allow: PUBLIC },
  'GET /api/auth/session': { allow: PUBLIC },
  'POST /api/auth/enrolment/totp': { allow: PUBLIC },
  'POST /api/auth/enrolment/confirm': { allow: PUBLIC },
  // One's own account.
  'GET /api/auth/me': { allow: SIGNED_IN },
  'POST /api/auth/password': { allow: SIGNED_IN },
  'POST /api/auth/totp': { allow: SIGNED_IN },
  'POST /api/auth/totp/confirm': { allow: SIGNED_IN },
  'POST /api/auth/totp/disable': { allow: SIGNED_IN },
  'POST /api/auth/logout': {
    allow: SIGNED_IN,
    sweepSkip: 'ends the session; the live-channel test signs out',
  },
  // The family page (its own relative only).
  'GET /api/family/status': { allow: FAMILY },
  'POST /api/family/alerts/:id/on-my-way': { allow: FAMILY, retiree: 'alert' },
  // Retirees.
  'GET /api/retirees': { allow: STAFF },
  'GET /api/wall': { allow: STAFF },
  'POST /api/retirees': { allow: RECORDS },
  'GET /api/retirees/:id': { allow: STAFF, retiree: 'path' },
  'PATCH /api/retirees/:id': { allow: RECORDS, retiree: 'path' },
  'GET /api/retirees/:id/devices': { allow: STAFF, retiree: 'path' },
  'GET /api/retirees/:id/vitals': { allow: STAFF, retiree: 'path' },
  'GET /api/retirees/:id/rescue-card': { allow: STAFF, retiree: 'path' },
  'GET /api/retirees/:id/rescue-card.pdf': { allow: STAFF, retiree: 'path' },
  'GET /api/retirees/:id/consents': { allow: STAFF, retiree: 'path' },
  'POST /api/retirees/:id/consents': { allow: RECORDS, retiree: 'path' },
  'POST /api/retirees/:id/family-accounts': { allow: MANAGERS, retiree: 'path' },
  'GET /api/retirees/:id/family-accounts': { allow: MANAGERS, retiree: 'path' },
  'DELETE /api/retirees/:id/family-accounts/:userId': { allow: MANAGERS, retiree: 'path' },
  'GET /api/retirees/:id/contacts/:contactId/channels': { allow: STAFF, retiree: 'path' },
  // A webhook makes the hub send requests to its target: managers only.
  'POST /api/retirees/:id/contacts/:contactId/channels': { allow: MANAGERS, retiree: 'path' },
  'DELETE /api/retirees/:id/contacts/:contactId/channels/:channelId': { allow: MANAGERS, retiree: 'path' },
  // Devices.
  'GET /api/devices': { allow: STAFF },
  'GET /api/device-types': { allow: STAFF },
  'POST /api/devices': { allow: MANAGERS },
  'POST /api/devices/:id/revoke': { allow: MANAGERS },
  'POST /api/devices/:id/secret': { allow: MANAGERS },
  // Alerts: the desk works them; every member of staff may read them, a station's caseworker only
  // its own retirees'.
  'GET /api/alerts': { allow: STAFF },
  'GET /api/alerts/:id': { allow: STAFF, retiree: 'alert' },
  'GET /api/alerts/:id/steps': { allow: STAFF, retiree: 'alert' },
  'GET /api/alerts/:id/deliveries': { allow: STAFF, retiree: 'alert' },
  'POST /api/alerts/:id/ack': { allow: DESK, retiree: 'alert' },
  'POST /api/alerts/:id/resolve': { allow: DESK, retiree: 'alert' },
  'POST /api/alerts/:id/take': {
    allow: DESK,
    retiree: 'alert',
    sweepSkip: 'takes the alert; no body to refuse',
  },
  'POST /api/alerts/:id/assign': { allow: MANAGERS, retiree: 'alert' },
  'POST /api/alerts/:id/actions': { allow: DESK, retiree: 'alert' },
  'POST /api/alerts/:id/help-coming': { allow: DESK, retiree: 'alert' },
  'POST /api/alerts/:id/comments': { allow: DESK, retiree: 'alert' },
  'GET /api/reports/alerts': { allow: DESK },
  'GET /api/reports/alerts.xlsx': { allow: DESK },
  'GET /api/settings/escalation': { allow: DESK },
  'PUT /api/settings/escalation': { allow: MANAGERS },
  // Staff accounts.
  'GET /api/users': { allow: DESK },
  'POST /api/users': { allow: ADMIN },
  'PATCH /api/users/:id': { allow: ADMIN },
  'POST /api/users/:id/disable': { allow: ADMIN },
  'POST /api/users/:id/enable': { allow: ADMIN },
  'POST /api/users/:id/totp/reset': { allow: ADMIN },
  // Service requests (6.12) and button tests.
  'GET /api/service-requests': { allow: STAFF },
  'GET /api/service-requests/export.xlsx': { allow: STAFF },
  'PATCH /api/service-requests/:id': { allow: STAFF },
  'GET /api/button-tests': { allow: STAFF },
  // Duty (5.1.7).
  'GET /api/duty/roster': { allow: DESK },
  'POST /api/duty/roster': { allow: MANAGERS },
  'DELETE /api/duty/roster/:id': { allow: MANAGERS },
  'GET /api/duty/now': { allow: DESK },
  'GET /api/duty/handover': { allow: DESK },
  'POST /api/duty/handover': { allow: DESK },
  // Travel abroad and part-time posts (6.4).
  'GET /api/abroad/chains': { allow: RECORDS },
  'POST /api/abroad/travel-requests': { allow: RECORDS, retiree: 'body' },
  'POST /api/abroad/post-requests': { allow: RECORDS, retiree: 'body' },
  'GET /api/abroad/requests': { allow: RECORDS },
  'GET /api/abroad/requests/export.xlsx': { allow: RECORDS },
  'GET /api/abroad/requests/:id': { allow: RECORDS },
  'POST /api/abroad/requests/:id/steps': { allow: RECORDS },
  'POST /api/abroad/requests/:id/withdraw': { allow: RECORDS },
  'POST /api/abroad/requests/:id/depart': { allow: RECORDS },
  'POST /api/abroad/stays': { allow: RECORDS, retiree: 'body' },
  'GET /api/abroad/stays': { allow: RECORDS },
  'GET /api/abroad/stays/export.xlsx': { allow: RECORDS },
  'GET /api/abroad/stays/overdue': { allow: RECORDS },
  'GET /api/abroad/stays/:id': { allow: RECORDS },
  'POST /api/abroad/stays/:id/contacts': { allow: RECORDS },
  'POST /api/abroad/stays/:id/return': { allow: RECORDS },
  'GET /api/abroad/suspensions': { allow: RECORDS },
  'GET /api/abroad/suspensions/export.xlsx': { allow: RECORDS },
  'POST /api/abroad/suspensions/:id/clear': { allow: MANAGERS },
  'POST /api/abroad/check': { allow: RECORDS },
  // Medical care (6.5).
  'GET /api/medical/health-checks/plan': { allow: RECORDS },
  'GET /api/medical/health-checks/plan/export.xlsx': { allow: RECORDS },
  'PUT /api/medical/health-checks/plan/:year/:retireeId': {
    allow: RECORDS,
    retiree: 'path',
    retireeParam: 'retireeId',
  },
  'GET /api/medical/health-checks': { allow: RECORDS },
  'POST /api/medical/health-checks': { allow: RECORDS, retiree: 'body' },
  'GET /api/medical/health-checks/export.xlsx': { allow: RECORDS },
  'GET /api/medical/records/:id': { allow: RECORDS, retiree: 'path' },
  'POST /api/medical/records/:id/items': { allow: RECORDS, retiree: 'path' },
  'PATCH /api/medical/records/:id/items/:itemId': { allow: RECORDS, retiree: 'path' },
  'GET /api/medical/out-of-town': { allow: RECORDS },
  'POST /api/medical/out-of-town': { allow: RECORDS, retiree: 'body' },
  'GET /api/medical/out-of-town/export.xlsx': { allow: RECORDS },
  'GET /api/medical/out-of-town/:id': { allow: RECORDS },
  'POST /api/medical/out-of-town/:id/decision': { allow: MANAGERS },
  // Visits and condolences (6.8).
  'GET /api/visits/campaigns': { allow: STAFF },
  'POST /api/visits/campaigns': { allow: RECORDS },
  'GET /api/visits/tasks': { allow: STAFF },
  'POST /api/visits/tasks': { allow: RECORDS, retiree: 'body' },
  'GET /api/visits/tasks/:id': { allow: STAFF },
  'PATCH /api/visits/tasks/:id': { allow: RECORDS },
  'GET /api/visits/admissions': { allow: STAFF },
  'POST /api/visits/admissions': { allow: RECORDS, retiree: 'body' },
  'GET /api/visits/retirees/:id/flags': { allow: STAFF, retiree: 'path' },
  'PATCH /api/visits/retirees/:id/flags': { allow: RECORDS, retiree: 'path' },
  'GET /api/visits/records': { allow: STAFF },
  'POST /api/visits/records': { allow: RECORDS, retiree: 'body' },
  'GET /api/visits/records/:id': { allow: STAFF },
  'GET /api/visits/follow-ups': { allow: STAFF },
  'PATCH /api/visits/follow-ups/:id': { allow: RECORDS },
  'GET /api/visits/summary': { allow: STAFF },
  'GET /api/visits/tasks/export.xlsx': { allow: STAFF },
  'GET /api/visits/records/export.xlsx': { allow: STAFF },
  'GET /api/visits/follow-ups/export.xlsx': { allow: STAFF },
  'GET /api/visits/records/:id/form.pdf': { allow: STAFF },
  'GET /api/visits/form.pdf': { allow: STAFF },
  // Living treatment (6.3).
  'GET /api/benefits': { allow: STAFF },
  'POST /api/benefits': { allow: RECORDS, retiree: 'body' },
  'GET /api/benefits/export.xlsx': { allow: STAFF },
  'GET /api/benefits/:id': { allow: STAFF },
  'POST /api/benefits/:id/approve': { allow: RECORDS },
  'POST /api/benefits/:id/reject': { allow: RECORDS },
  'POST /api/benefits/:id/payments': { allow: RECORDS },
  'POST /api/benefits/:id/stop': { allow: RECORDS },
  'GET /api/benefit-cards': { allow: STAFF },
  'POST /api/benefit-cards': { allow: RECORDS, retiree: 'body' },
  'GET /api/benefit-cards/export.xlsx': { allow: STAFF },
  'POST /api/benefit-cards/:id/return': { allow: RECORDS },
  // Elderly care (6.7).
  'GET /api/care/arrangements': { allow: STAFF },
  'POST /api/care/arrangements': { allow: RECORDS, retiree: 'body' },
  'GET /api/care/arrangements/export.xlsx': { allow: STAFF },
  'GET /api/care/arrangements/:id': { allow: STAFF },
  'POST /api/care/arrangements/:id/end': { allow: RECORDS },
  'GET /api/care/visits': { allow: STAFF },
  'POST /api/care/visits': { allow: RECORDS },
  'GET /api/care/visits/export.xlsx': { allow: STAFF },
  // After death (6.10).
  'GET /api/bereavement': { allow: STAFF },
  'POST /api/bereavement': { allow: RECORDS, retiree: 'body' },
  'GET /api/bereavement/export.xlsx': { allow: STAFF },
  'GET /api/bereavement/:id': { allow: STAFF },
  'PATCH /api/bereavement/steps/:id': { allow: RECORDS },
  // Political life and reception (6.2).
  'GET /api/reception/activities': { allow: STAFF },
  'POST /api/reception/activities': { allow: RECORDS },
  'GET /api/reception/activities/export.xlsx': { allow: STAFF },
  'GET /api/reception/activities/:id': { allow: STAFF },
  'PUT /api/reception/activities/:id/attendance': { allow: RECORDS },
  'GET /api/reception/convalescence': { allow: STAFF },
  'POST /api/reception/convalescence': { allow: RECORDS },
  'GET /api/reception/convalescence/export.xlsx': { allow: STAFF },
  'GET /api/reception/convalescence/:id': { allow: STAFF },
  'POST /api/reception/convalescence/:id/participants': { allow: RECORDS },
  'DELETE /api/reception/convalescence/:id/participants/:retireeId': { allow: RECORDS },
  'GET /api/reception/items': { allow: STAFF },
  'POST /api/reception/items': { allow: RECORDS, retiree: 'body' },
  'GET /api/reception/items/export.xlsx': { allow: STAFF },
  'GET /api/reception/items/overdue': { allow: STAFF },
  'GET /api/reception/items/:id': { allow: STAFF },
  'PATCH /api/reception/items/:id': { allow: RECORDS },
  'POST /api/reception/items/:id/take': { allow: RECORDS },
  'POST /api/reception/items/:id/reply': { allow: RECORDS },
  // Evaluation and improvement (7.1, 7.2).
  'GET /api/evaluation/surveys': { allow: STAFF },
  'POST /api/evaluation/surveys': { allow: RECORDS },
  'GET /api/evaluation/surveys/:id': { allow: STAFF },
  'POST /api/evaluation/surveys/:id/close': { allow: RECORDS },
  'POST /api/evaluation/surveys/:id/responses': { allow: RECORDS },
  'GET /api/evaluation/results': { allow: STAFF },
  'GET /api/evaluation/results/export.xlsx': { allow: STAFF },
  'GET /api/evaluation/feedback': { allow: STAFF },
  'POST /api/evaluation/feedback': { allow: RECORDS, retiree: 'body' },
  'GET /api/evaluation/feedback/export.xlsx': { allow: STAFF },
  'GET /api/evaluation/feedback/:id': { allow: STAFF },
  'POST /api/evaluation/feedback/:id/handle': { allow: RECORDS },
  'POST /api/evaluation/feedback/:id/answer': { allow: RECORDS },
  'POST /api/evaluation/feedback/:id/close': { allow: RECORDS },
  'GET /api/evaluation/actions': { allow: STAFF },
  'POST /api/evaluation/actions': { allow: RECORDS },
  'GET /api/evaluation/actions/export.xlsx': { allow: STAFF },
  'GET /api/evaluation/actions/:id': { allow: STAFF },
  'POST /api/evaluation/actions/:id/start': { allow: RECORDS },
  'POST /api/evaluation/actions/:id/done': { allow: RECORDS },
  'POST /api/evaluation/actions/:id/review': { allow: RECORDS },
  // Work list.
  'GET /api/worklist': { allow: STAFF },
  'GET /api/worklist/export.xlsx': { allow: STAFF },
  // The archive (6.11.1 a) and its access log (6.1.2.8).
  'GET /api/archive/retirees': { allow: STAFF },
  'POST /api/archive/retirees': { allow: RECORDS },
  'GET /api/archive/retirees.xlsx': { allow: STAFF },
  'GET /api/archive/retirees/:id': { allow: STAFF, retiree: 'path' },
  'PATCH /api/archive/retirees/:id': { allow: RECORDS, retiree: 'path' },
  'GET /api/archive/retirees/:id/history': { allow: STAFF, retiree: 'path' },
  'POST /api/archive/retirees/:id/family': { allow: RECORDS, retiree: 'path' },
  'POST /api/archive/retirees/:id/attachments': { allow: RECORDS, retiree: 'path' },
  'GET /api/archive/retirees/:id/attachments': { allow: STAFF, retiree: 'path' },
  'GET /api/archive/retirees/:id/attachments/:attachmentId': { allow: STAFF, retiree: 'path' },
  'POST /api/archive/retirees/:id/attachments/:attachmentId/withdraw': { allow: RECORDS, retiree: 'path' },
  'GET /api/archive/access-log': { allow: MANAGERS },
  'GET /api/archive/import/template': { allow: RECORDS },
  'POST /api/archive/import': { allow: RECORDS },
  // Activities (6.6) and roles of retirees (6.9).
  'GET /api/activities/staff': { allow: STAFF },
  'GET /api/activities/plans': { allow: STAFF },
  'POST /api/activities/plans': { allow: RECORDS },
  'POST /api/activities/plans/:id/items': { allow: RECORDS },
  'GET /api/activities/events': { allow: STAFF },
  'POST /api/activities/events': { allow: RECORDS },
  'GET /api/activities/events/export.xlsx': { allow: STAFF },
  'GET /api/activities/events/:id': { allow: STAFF },
  'PUT /api/activities/events/:id/cover': { allow: RECORDS },
  'POST /api/activities/events/:id/confirm': { allow: RECORDS },
  'POST /api/activities/events/:id/cancel': { allow: RECORDS },
  'POST /api/activities/events/:id/signups': { allow: RECORDS },
  'POST /api/activities/events/:id/signups/:retireeId/withdraw': { allow: RECORDS },
  'POST /api/activities/events/:id/attendance': { allow: RECORDS },
  'GET /api/activities/groups': { allow: STAFF },
  'POST /api/activities/groups': { allow: RECORDS },
  'GET /api/activities/groups/export.xlsx': { allow: STAFF },
  'POST /api/activities/groups/:id/members': { allow: RECORDS },
  'POST /api/activities/groups/:id/members/:retireeId/leave': { allow: RECORDS },
  'GET /api/roles/register': { allow: STAFF },
  'POST /api/roles/register': { allow: RECORDS, retiree: 'body' },
  'GET /api/roles/register/export.xlsx': { allow: STAFF },
  'GET /api/roles/register/:id': { allow: STAFF },
  'POST /api/roles/register/:id/end': { allow: RECORDS },
  'GET /api/roles/register/:id/hours': { allow: STAFF },
  'POST /api/roles/register/:id/hours': { allow: RECORDS },
  'GET /api/roles/oral-histories': { allow: STAFF },
  'POST /api/roles/oral-histories': { allow: RECORDS, retiree: 'body' },
  'GET /api/roles/oral-histories/export.xlsx': { allow: STAFF },
  'GET /api/roles/oral-histories/:id': { allow: STAFF },
  'PUT /api/roles/oral-histories/:id': { allow: RECORDS },
  'POST /api/roles/oral-histories/:id/files': { allow: RECORDS },
  'GET /api/roles/oral-histories/:id/files/:attachmentId': { allow: STAFF },
  // Intake (6.1).
  'GET /api/intake/cases': { allow: STAFF },
  'POST /api/intake/cases': { allow: RECORDS },
  'GET /api/intake/cases.xlsx': { allow: STAFF },
  'GET /api/intake/cases/:id': { allow: STAFF },
  'PATCH /api/intake/cases/:id': { allow: RECORDS },
  'PATCH /api/intake/steps/:id': { allow: RECORDS },
  'POST /api/intake/steps/:id/attachments': { allow: RECORDS },
  'PUT /api/intake/cases/:id/meeting': { allow: RECORDS },
  'PUT /api/intake/cases/:id/agreement': { allow: RECORDS },
  'GET /api/intake/cases/:id/agreement.pdf': { allow: STAFF },
  'POST /api/intake/cases/:id/complete': { allow: RECORDS },
  // Privacy (PIPL): export and deletion on a recorded decision, retention, audit, security.
  'GET /api/privacy/retirees/:id/export': { allow: MANAGERS, retiree: 'path' },
  'POST /api/privacy/retirees/:id/deletion': { allow: ADMIN, retiree: 'path' },
  'GET /api/privacy/receipts': { allow: ADMIN },
  'POST /api/privacy/retention/run': { allow: ADMIN },
  'GET /api/security/overview': { allow: ADMIN },
  'GET /api/audit': { allow: ADMIN },
  'GET /api/audit/verify': { allow: ADMIN },
};

/** Known holes not closed yet, and why; the matrix reports every other one. */
export const OPEN_GAPS: Record<string, string> = {};

export type Expected = 'allowed' | 401 | 403 | 404;

/**
 * What `caller` must get from a route of `rule`, for its own retiree or another one. For a
 * station's caseworker another station's retiree named in the path, and its alerts, do not exist:
 * 404 comes before any role check (the guard decides it from the matched route).
 */
export function expected(route: string, rule: Rule, caller: Caller, side: 'own' | 'other'): Expected {
  const role: Role = caller === 'caseworkerAll' ? 'caseworker' : caller;
  const api = route.includes(' /api/');
  if (api && !rule.allow.includes('anonymous') && caller === 'anonymous') return 401;
  // The guard lets family accounts reach their sign-in and their family page only.
  const familyRoute = route.includes(' /api/auth/') || route.includes(' /api/family/');
  if (api && caller === 'family' && !familyRoute) return 403;
  const scoped = !familyRoute && (rule.retiree === 'path' || rule.retiree === 'alert');
  if (side === 'other' && caller === 'caseworker' && scoped) return 404;
  if (!rule.allow.includes(role)) return 403;
  if (side === 'other' && rule.retiree && (caller === 'caseworker' || caller === 'family')) return 404;
  return 'allowed';
}
