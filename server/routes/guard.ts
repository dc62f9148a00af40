/**
 * Authentication for every API route but the public ones, and role checks; before them, the
 * refusal of state-changing requests that a page of another origin made (server/security/origin.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import promClient from 'prom-client';
import { noteAudit } from '../audit/hook.ts';
import { SESSION_COOKIE } from '../auth/sessions.ts';
import { forbidden, HubError, notFound, unauthorized } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import { assertInScope, scopeOf } from '../records/scope.ts';
import type { Role } from '../schemas/auth.ts';
import { crossOriginReason } from '../security/origin.ts';
import type { HubContext } from './context.ts';

/** Header values kept in the audit entry of a refusal, cut to this length (they are the sender's text). */
const MAX_AUDITED_HEADER = 200;

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  return request.cookies[SESSION_COOKIE];
}

export function installGuard(app: FastifyInstance, hub: HubContext): void {
  const crossOrigin = new promClient.Counter({
    name: 'hub_http_cross_origin_refusals_total',
    help: 'State-changing API requests refused as sent by a page of another origin (CSRF), by why',
    labelNames: ['reason'],
    registers: [hub.registry],
  });
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    // OWASP ASVS 4.0.3 13.2.3: the session cookie goes along with a form or fetch from another
    // port of the same host (the same site), so a change needs the bearer header or a page of
    // the hub's own origin. Judged before the body is read and before the public routes, so a
    // sign-in cannot be forced on someone's browser either.
    const reason = crossOriginReason(
      request.raw,
      hub.allowedOrigins,
      request.cookies[SESSION_COOKIE] !== undefined,
    );
    if (reason !== null) {
      crossOrigin.inc({ reason });
      const origin = request.headers.origin;
      const site = request.headers['sec-fetch-site'];
      noteAudit(request, {
        detail: {
          crossOrigin: reason,
          ...(typeof origin === 'string' ? { origin: origin.slice(0, MAX_AUDITED_HEADER) } : {}),
          ...(typeof site === 'string' ? { fetchSite: site.slice(0, MAX_AUDITED_HEADER) } : {}),
        },
      });
      throw new HubError(
        403,
        'cross_origin',
        '拒绝来自其他来源的修改请求：请在本平台的页面中操作，或由程序携带 Authorization: Bearer 令牌调用接口',
      );
    }
    const config = request.routeOptions.config as { public?: boolean } | undefined;
    if (config?.public) return;
    const user = await hub.sessions.userFor(bearerToken(request));
    if (!user) throw unauthorized();
    request.user = user;
    // 6.11.2.2, 6.11.2.4: a family account sees its own relative and nothing else. It may reach only
    // its sign-in and its family page, judged by the matched route (not the raw URL), so a staff
    // route that forgets its role check still leaks nothing to it.
    if (user.role === 'family' && !familyMayReach(request.routeOptions.url)) {
      throw forbidden('family accounts may use /api/family only');
    }
  });
  // 6.11.2.2: for a station's caseworker another station's retiree, and its alerts, do not exist
  // (404), whatever the route does next. Judged by the matched route, so a route naming a retiree
  // or an alert in its path cannot forget the station scope.
  app.addHook('preHandler', async (request) => {
    const station = request.user ? scopeOf(request.user).station : null;
    if (station === null) return;
    const route = request.routeOptions.url ?? '';
    const params = (request.params ?? {}) as Record<string, unknown>;
    for (const name of ['id', 'retireeId'] as const) {
      const value = params[name];
      if (typeof value !== 'string') continue;
      if (name === 'retireeId' || /\/retirees\/:id(\/|\.|$)/.test(route)) {
        await assertInScope(hub.db, { station }, uuidOr404(value, 'retiree'));
      } else if (route.startsWith('/api/alerts/:id')) {
        const rows = await hub.db.query(
          'select 1 from alerts a join retirees r on r.id = a.retiree_id where a.id = $1 and r.station = $2',
          [uuidOr404(value, 'alert'), station],
        );
        if (rows.length === 0) throw notFound('alert');
      }
    }
  });
}

export const FAMILY_ROUTE_PREFIXES = ['/api/auth/', '/api/family/'];

function familyMayReach(route: string | undefined): boolean {
  return route !== undefined && FAMILY_ROUTE_PREFIXES.some((prefix) => route.startsWith(prefix));
}

export function requireRole(request: FastifyRequest, roles: Role[]): void {
  if (!request.user) throw unauthorized();
  if (!roles.includes(request.user.role)) throw forbidden();
}
