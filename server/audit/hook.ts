/**
 * What is written to the audit log, from one place: a fastify onResponse hook sees every answer and
 * logs sign-ins (and failed ones, with the username tried), sign-outs, every refusal (401/403) under
 * /api, and every read, change, export or deletion on a health-record route (./health-routes.ts):
 * who, when, which record, the retiree, from where, and the status class. A list call is one entry.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Queryable } from '../db/database.ts';
import { isUuid } from '../ids.ts';
import type { AuditAction } from '../schemas/audit.ts';
import { healthRouteOf, idParamIsRetiree } from './health-routes.ts';
import type { AuditEntryInput, AuditLog } from './log.ts';

/** What a route may add to its own entry: the retiree when the URL does not say, and details. */
export interface AuditNote {
  retireeId?: string;
  detail?: Record<string, unknown>;
  /** The `error` code of a refused answer, read from the answer itself. */
  error?: string;
  /** Who a sign-in opened a session for, read from the answer (never its token). */
  account?: { id: string; username: string; role: string };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The log the hook appends to, which the audit routes read. */
    auditLog: AuditLog;
  }
  interface FastifyRequest {
    auditNote: AuditNote | null;
    /**
     * The caller's address, read when the request arrived: `request.ip` reads the socket, which
     * no longer knows it once the client has hung up, and a change must be logged all the same.
     */
    auditAddress: string | null;
  }
}

/** Adds to the audit entry of this request (e.g. the kind and state of a consent recorded). */
export function noteAudit(request: FastifyRequest, note: AuditNote): void {
  const before = request.auditNote;
  request.auditNote = {
    ...before,
    ...note,
    detail: { ...before?.detail, ...note.detail },
  };
}

/** Answers the hook needs from the records, kept narrow for tests. */
export interface AuditLookups {
  /** The account behind a successful sign-in. */
  account(username: string): Promise<{ id: string; role: string } | null>;
  /** The retiree a family account is linked to. */
  familyRetiree(userId: string): Promise<string | null>;
}

export function sqlLookups(db: Queryable): AuditLookups {
  return {
    async account(username) {
      const [row] = await db.query<{ id: string; role: string }>(
        'select id, role from users where username = $1',
        [username],
      );
      return row ?? null;
    },
    async familyRetiree(userId) {
      const [row] = await db.query<{ retiree_id: string }>(
        'select retiree_id from family_links where user_id = $1',
        [userId],
      );
      return row?.retiree_id ?? null;
    },
  };
}

const ANONYMOUS = 'anonymous';
/** The address of a caller the socket could no longer name. */
const UNKNOWN_ADDRESS = 'unknown';

/** Routes that answer a successful sign-in with a session (LoginResponse). */
const SIGN_IN_ROUTES = ['/api/auth/login', '/api/auth/enrolment/confirm'];

/** A sign-in answered with a request for its next step: the password was right, no session yet. */
const CHALLENGES = ['totp_required', 'totp_enrolment_required'];

const MAX_PARSED_ANSWER = 64 * 1024;

const LOGIN_FAILURE_REASONS: Record<number, string> = {
  400: 'bad_request',
  401: 'wrong_credentials',
  403: 'forbidden',
  429: 'throttled',
};

function field(source: unknown, name: string): string | undefined {
  if (source === null || typeof source !== 'object') return undefined;
  const value = (source as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function uuid(value: string | undefined): string | null {
  return value && isUuid(value) ? value.toLowerCase() : null;
}

function healthAction(method: string, route: string, type: string): AuditAction {
  if (type === 'consent' && method !== 'GET' && method !== 'HEAD') return 'consent';
  if (/(^|\/)export(\.|\/|$)|\.(xlsx|pdf|csv|zip)$/.test(route)) return 'export';
  if (method === 'GET' || method === 'HEAD') return 'read';
  if (method === 'DELETE') return 'delete';
  return 'change';
}

/** The entry for one answered request, or null when it is not for the audit log. */
export async function describeRequest(
  request: FastifyRequest,
  status: number,
  lookups: AuditLookups,
): Promise<AuditEntryInput | null> {
  const path = request.url.split('?')[0] ?? '';
  if (!path.startsWith('/api/')) return null;
  const route = request.routeOptions.url;
  const method = request.method;
  const result = `${Math.floor(status / 100)}xx`;
  const user = request.user;
  const note = request.auditNote;
  const base = {
    actorId: user?.id ?? null,
    actorName: user?.username ?? ANONYMOUS,
    role: user?.role ?? ANONYMOUS,
    targetId: path,
    ip: request.auditAddress ?? request.ip ?? UNKNOWN_ADDRESS,
    result,
  };
  const detail: Record<string, unknown> = { method, route: route ?? null, status, ...note?.detail };

  if (route && SIGN_IN_ROUTES.includes(route) && method === 'POST') {
    const ok = status >= 200 && status < 300;
    const username =
      note?.account?.username ?? field(request.body, 'username') ?? user?.username ?? ANONYMOUS;
    // The answer's own code says why (wrong_credentials, totp_invalid, rate_limited…); else the status.
    const reason = ok ? undefined : (note?.error ?? LOGIN_FAILURE_REASONS[status] ?? `status_${status}`);
    const account = note?.account ?? (ok ? await lookups.account(username) : null);
    const extra = reason ? { reason, ...(CHALLENGES.includes(reason) ? { challenge: true } : {}) } : {};
    return {
      ...base,
      actorId: account?.id ?? null,
      actorName: username,
      role: account?.role ?? ANONYMOUS,
      action: ok ? 'login' : 'login_failed',
      targetType: 'session',
      retireeId: null,
      detail: { ...extra, ...detail },
    };
  }
  if (route === '/api/auth/logout' && status >= 200 && status < 300) {
    return { ...base, action: 'logout', targetType: 'session', retireeId: null, detail };
  }

  const health = healthRouteOf(route);
  const denied = status === 401 || status === 403;
  if (!health && !denied) return null;

  let retireeId = uuid(note?.retireeId);
  if (!retireeId && route && idParamIsRetiree(route)) retireeId = uuid(field(request.params, 'id'));
  retireeId ??=
    uuid(field(request.params, 'retireeId')) ??
    uuid(field(request.query, 'retireeId')) ??
    uuid(field(request.body, 'retireeId'));
  if (!retireeId && user?.role === 'family' && health?.type === 'family_page') {
    retireeId = await lookups.familyRetiree(user.id);
  }
  const query = request.query && typeof request.query === 'object' ? request.query : {};
  if (note?.error) detail.error = note.error;
  return {
    ...base,
    action: denied ? 'denied' : healthAction(method, route ?? '', health?.type ?? ''),
    targetType: health?.type ?? 'route',
    retireeId,
    detail: Object.keys(query).length > 0 ? { ...detail, query } : detail,
  };
}

/** Installs the hook; appends never delay or fail a request: an error goes to `onError`. */
export function installAudit(
  app: FastifyInstance,
  audit: AuditLog,
  lookups: AuditLookups,
  onError: (error: unknown) => void,
): void {
  app.decorate('auditLog', audit);
  app.decorateRequest('auditNote', null);
  app.decorateRequest('auditAddress', null);
  app.addHook('onRequest', async (request) => {
    request.auditAddress = request.ip ?? null;
  });
  // What only the answer says: the error code of a refusal, and whom a sign-in is for.
  app.addHook('onSend', async (request, reply, payload) => {
    if (typeof payload !== 'string' || payload.length > MAX_PARSED_ANSWER) return payload;
    const status = reply.statusCode;
    const route = request.routeOptions.url;
    const signIn = route !== undefined && SIGN_IN_ROUTES.includes(route) && status < 300;
    if (!request.url.startsWith('/api/') || (status < 400 && !signIn)) return payload;
    let body: unknown;
    try {
      body = JSON.parse(payload);
    } catch {
      return payload;
    }
    const error = field(body, 'error');
    const signedIn = signIn ? (body as { user?: unknown }).user : undefined;
    const id = field(signedIn, 'id');
    const username = field(signedIn, 'username');
    const role = field(signedIn, 'role');
    if (error) noteAudit(request, { error: error.slice(0, 64) });
    if (id && username && role) noteAudit(request, { account: { id, username, role } });
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    try {
      const entry = await describeRequest(request, reply.statusCode, lookups);
      if (entry) await audit.append(entry);
    } catch (error) {
      onError(error);
    }
  });
  // The last entries are written before the database closes.
  app.addHook('onClose', async () => {
    await audit.flush();
  });
}
