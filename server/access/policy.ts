/**
 * Who may do what: the one place the hub's access policy is written (6.11.2.2: staff retrieve and
 * update records only as authorised; 6.11.2.4: a family sees its own relative only). Every API route
 * declares the one `area.action` it needs (`config: { access: 'visits.write' }`; the guard in
 * server/access/guard.ts refuses to register a route without one and answers 403 to a role this
 * table leaves out); a check that depends on the data (whose alert, which query) asks `mayAccess`
 * in its handler; the dashboard shows pages and buttons from the same table; the access matrix test
 * asks a running hub every declared route against it.
 *
 * The module is pure and imports nothing, so the dashboard can bundle it (test/architecture/
 * boundaries.test.ts checks both).
 */

/** Every role an account can have; the API schema's `Role` is the same union (guard.ts checks). */
export const ROLES = ['admin', 'supervisor', 'operator', 'caseworker', 'family'] as const;
export type Role = (typeof ROLES)[number];

/** Roles of the centre's staff, in the order the staff-account form offers them. */
export const STAFF_ROLES = [
  'admin',
  'supervisor',
  'operator',
  'caseworker',
] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

/** The groups the table is written in. */
export const ROLE_GROUPS = {
  /** Anyone signed in, family accounts included: their own account. */
  everyone: ROLES,
  /** All staff: the monitoring wall, alerts to read, most service records to read. */
  staff: STAFF_ROLES,
  /** Staff who keep the service records: caseworkers and the managers (not the monitoring desk). */
  records: ['admin', 'supervisor', 'caseworker'],
  /** The monitoring desk: working alerts, duty, alert reports. */
  desk: ['admin', 'supervisor', 'operator'],
  /** Managers: approvals, family accounts, devices, the roster, reassignment. */
  managers: ['admin', 'supervisor'],
  admin: ['admin'],
  /** A family account: its own relative's page. */
  family: ['family'],
} as const satisfies Record<string, readonly Role[]>;

const { everyone, staff, records, desk, managers, admin, family } = ROLE_GROUPS;

/** Area → action → the roles that may take it. */
export const POLICY = {
  /** One's own account: who one is, password, second factor, signing out. */
  account: { own: everyone },
  /** The family page: the relative's status, and "on my way" to one of its alerts. */
  family: { read: family, respond: family },
  /** Retirees, the wall, a retiree's devices, readings and rescue card. */
  retirees: { read: staff, write: records },
  consents: { read: staff, write: records },
  familyAccounts: { manage: managers },
  /**
   * A contact's notification channels. A webhook makes the hub send requests wherever its target
   * says, so adding one is for the managers who answer for the centre's network, not for every
   * member of staff who keeps records.
   */
  channels: { read: staff, manage: managers, own: staff },
  /** The desk asks a watch for its position and writes to it; settings are the managers'. */
  devices: { read: staff, manage: managers, command: desk },
  /** Staff read alerts; the desk works them; reassigning someone else's is a supervisor's. */
  alerts: { read: staff, handle: desk, assign: managers },
  /** Alert figures for the desk; the service figures (7.1) for those who keep the records. */
  reports: { read: desk, services: records },
  /** The ladder; the SMS and voice providers' credentials are the administrator's. */
  escalation: { read: desk, manage: managers, providers: admin },
  /** Staff accounts: the desk sees who is who for assignment; the admin creates and changes them. */
  users: { read: desk, manage: admin },
  /** Service requests (the green key and those staff log, 6.12), button tests, and the register of providers. */
  requests: { read: staff, handle: staff, providers: managers },
  /** Duty (5.1.7): the roster and who is on duty now, the handover, and drawing up the roster. */
  duty: { read: desk, handover: desk, manage: managers },
  /** Travel abroad and part-time posts (6.4): no part of the monitoring desk's work. */
  abroad: { read: records, write: records, clear: managers },
  /** Medical care (6.5): health data, no part of the monitoring desk's work. */
  medical: { read: records, write: records, decide: managers },
  visits: { read: staff, write: records },
  benefits: { read: staff, write: records },
  /**
   * Money (6.3, 6.5.2.1, 6.10.2.4): the pay ledger, reimbursements and one-off payments, kept by those
   * who keep the records; running the month's pay, paying arrears and deciding claims are the managers'.
   */
  pay: { read: records, write: records, decide: managers },
  care: { read: staff, write: records },
  bereavement: { read: staff, write: records },
  reception: { read: staff, write: records },
  evaluation: { read: staff, write: records },
  /** One's own work list; everyone's (`all=true`) for the managers. */
  worklist: { read: staff, all: managers },
  /** The centre's deadlines (时限) the work list and the records date work by. */
  deadlines: { read: staff, manage: managers },
  /** Emergency plans (the managers') and the drills any member of staff records, 5.1.7. */
  emergency: { read: staff, plan: managers, drill: staff },
  /**
   * The management committee (5.1.8) and the facilities register (5.3.2.4): shown to staff, kept by
   * the managers; any member of staff logs an inspection or repair of a facility.
   */
  centre: { read: staff, manage: managers, inspect: staff },
  /** Staff certificates and training (5.2.2, 5.2.3, 6.11.2.2): shown to staff, kept by the managers. */
  staff: { read: staff, manage: managers },
  /** The archive (6.11.1 a), its import, and its access log (6.1.2.8). */
  archive: { read: staff, write: records, import: records, accessLog: managers },
  activities: { read: staff, write: records },
  /** What retirees contribute (6.9): the register of volunteers and advisers, oral histories. */
  contributions: { read: staff, write: records },
  intake: { read: staff, write: records },
  /** PIPL: a retiree's data exported, deleted on a recorded decision, the receipts, retention. */
  privacy: { export: managers, delete: admin, receipts: admin, retention: admin },
  security: { read: admin },
  audit: { read: admin },
  /**
   * The operators' endpoints when the centre asks for a session on them (HUB_METRICS_REQUIRE_AUTH,
   * HUB_DOCS_REQUIRE_AUTH): the figures for the managers, the API's documentation for the staff.
   */
  system: { metrics: managers, docs: staff },
} as const satisfies Record<string, Record<string, readonly Role[]>>;

type Table = typeof POLICY;

/**
 * What a route or a page needs: an `area.action` of the table, or `public` for what anyone may
 * call, signed in or not (signing in, health, metrics).
 */
export type Access =
  | 'public'
  | { [Area in keyof Table]: `${Area}.${keyof Table[Area] & string}` }[keyof Table];

/** Every access the table knows, `public` first. */
export const ACCESSES: readonly Access[] = [
  'public',
  ...Object.entries(POLICY).flatMap(([area, actions]) =>
    Object.keys(actions).map((action) => `${area}.${action}` as Access),
  ),
];

const known = new Set<string>(ACCESSES);

export function isAccess(value: unknown): value is Access {
  return typeof value === 'string' && known.has(value);
}

/** The roles `access` admits; `public` admits every role, and callers with none. */
export function rolesOf(access: Access): readonly Role[] {
  if (access === 'public') return ROLES;
  const [area, action] = access.split('.') as [keyof Table, string];
  return (POLICY[area] as Record<string, readonly Role[]>)[action] ?? [];
}

/** Whether an account of `role` (none: not signed in) may take `access`. */
export function mayAccess(access: Access, role: Role | null | undefined): boolean {
  if (access === 'public') return true;
  return role != null && rolesOf(access).includes(role);
}
