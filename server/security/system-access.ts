/**
 * Who may read `/metrics` and `/docs`. Both are open by default, as Prometheus scrapers and API
 * clients expect; a centre whose HTTP port is reachable beyond its operators closes them:
 *
 * - `HUB_METRICS_REQUIRE_AUTH=true`: `/metrics` answers `Authorization: Bearer <HUB_METRICS_TOKEN>`
 *   (a long random secret given to the scraper, good for nothing else) or the session of an admin
 *   or a supervisor (a person looking, from a script or the browser). A staff session is no use to a
 *   scraper: it ends after HUB_SESSION_IDLE_MINUTES without a request and after HUB_SESSION_HOURS
 *   anyway, and the scraper would hold a key to health data;
 * - `HUB_DOCS_REQUIRE_AUTH=true`: the OpenAPI page and its JSON need a staff session (the
 *   dashboard's cookie, or a bearer token).
 *
 * The counts in /metrics hold no personal data, but they show how many devices, alerts and refused
 * connections a centre has, and when: reconnaissance for someone on the network.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mayAccess } from '../access/policy.ts';
import type { Sessions } from '../auth/sessions.ts';
import { forbidden, type HubError, unauthorized } from '../errors.ts';

export interface SystemAccess {
  /** /metrics asks for the metrics token or an admin's or supervisor's session. */
  metricsRequireAuth: boolean;
  /** The scraper's bearer token for /metrics (at least 32 characters). */
  metricsToken: string | undefined;
  /** /docs and /docs/json ask for a staff session. */
  docsRequireAuth: boolean;
}

export const OPEN_SYSTEM_ACCESS: SystemAccess = {
  metricsRequireAuth: false,
  metricsToken: undefined,
  docsRequireAuth: false,
};

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Equal secrets, compared in time that does not depend on where they differ. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The token of an `Authorization: Bearer …` header (RFC 6750 2.1). */
export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
}

/** RFC 6750 3: a 401 names the scheme it wants. */
function challenge(reply: FastifyReply, message: string): HubError {
  reply.header('www-authenticate', 'Bearer realm="junxiu-hub"');
  return unauthorized(message);
}

type SessionToken = (request: FastifyRequest) => string | undefined;

/** The onRequest hook of /metrics. */
export function metricsAccess(access: SystemAccess, sessions: Sessions, sessionToken: SessionToken) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!access.metricsRequireAuth) return;
    const bearer = bearerOf(request);
    if (
      bearer !== undefined &&
      access.metricsToken !== undefined &&
      sameSecret(bearer, access.metricsToken)
    ) {
      return;
    }
    const user = await sessions.userFor(sessionToken(request));
    if (!user) throw challenge(reply, '读取 /metrics 需要监控令牌（HUB_METRICS_TOKEN）或管理员、主管的登录');
    if (!mayAccess('system.metrics', user.role)) throw forbidden('只有管理员和主管可以读取 /metrics');
  };
}

/** The onRequest hook of the OpenAPI page and its JSON. */
export function docsAccess(access: SystemAccess, sessions: Sessions, sessionToken: SessionToken) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!access.docsRequireAuth) return;
    const user = await sessions.userFor(sessionToken(request));
    if (!user) throw challenge(reply, '查看接口文档（/docs）需要先登录平台');
    if (!mayAccess('system.docs', user.role)) throw forbidden('家属账号不能查看接口文档');
  };
}
