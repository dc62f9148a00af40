/**
 * The one guard of the API (6.11.2.2: staff retrieve and update records only as authorised). Every
 * API route declares what it needs, `config: { access: 'visits.write' }` (an `area.action` of
 * server/access/policy.ts, or `public`), and where it names one retiree, where that retiree is
 * (`retiree`); a route without a known declaration is refused at registration, so none can forget.
 * For each request, in this order: the refusal of state-changing requests that a page of another
 * origin made (server/security/origin.ts); authentication (401) and the family accounts' fence
 * (403), before the body is read; then, after schema validation (400), the station scope of a
 * station's caseworker (404, as if the retiree did not exist) and last the role (403).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import promClient from 'prom-client';
import { noteAudit } from '../audit/hook.ts';
import { SESSION_COOKIE } from '../auth/sessions.ts';
import type { HubContext } from '../context.ts';
import { forbidden, HubError, unauthorized } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import { crossOriginReason } from '../security/origin.ts';
import { assertAlertInScope, assertInScope, scopeOf } from '../store/scope.ts';
import { type Access, isAccess, mayAccess, rolesOf } from './policy.ts';

/**
 * Where a route names one retiree, so that a station's caseworker is kept to its station's:
 * - `path`: a path parameter is the retiree's id (`id`, or the one `retireeParam` names);
 * - `body`: the body's `retireeId` (the handler checks it with the rest of the body);
 * - `alert`: the path's `id` is an alert of the retiree.
 */
export type RetireeAt = 'path' | 'body' | 'alert';

/** What a route declares in its `config`. */
export interface AccessDeclaration {
  access: Access;
  retiree?: RetireeAt;
  /** The path parameter holding the retiree's id when it is not `id` (with `retiree: 'path'`). */
  retireeParam?: string;
}

/** One declared route, as the guard collected it at registration. */
export interface AccessRoute extends AccessDeclaration {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyContextConfig extends Partial<AccessDeclaration> {}
  interface FastifyInstance {
    /** Every declared route of the hub, in registration order (HEAD twins of GET routes left out). */
    accessRoutes: readonly AccessRoute[];
  }
}

const RETIREE_AT: readonly string[] = ['path', 'body', 'alert'] satisfies RetireeAt[];

/** Routes that must declare their access: the API, and the operators' endpoints beside it. */
function declarationNeeded(url: string): boolean {
  return url.startsWith('/api/') || url === '/metrics' || url === '/healthz';
}

/**
 * Why a route's declaration cannot stand, or null. Read at registration, so a mistake stops the
 * hub from starting instead of opening or closing a route in production.
 */
export function declarationProblem(
  url: string,
  config: Partial<AccessDeclaration> | undefined,
): string | null {
  const { access, retiree, retireeParam } = config ?? {};
  if (access === undefined) return "declares no access (config: { access: 'area.action' } or 'public')";
  if (!isAccess(access)) return `declares an access server/access/policy.ts does not know: ${String(access)}`;
  // Outside /api nobody is signed in by the guard, so only what anyone may call can live there.
  if (!url.startsWith('/api/') && access !== 'public') return `is outside /api/ and so can only be public`;
  if (access !== 'public' && rolesOf(access).includes('family') && !familyMayReach(url)) {
    return `lets family accounts in (${access}) outside ${FAMILY_ROUTE_PREFIXES.join(' and ')}, where they are fenced out`;
  }
  if (retiree !== undefined && !RETIREE_AT.includes(retiree)) {
    return `names the retiree at an unknown place: ${retiree}`;
  }
  if (retireeParam !== undefined && retiree !== 'path') return "has retireeParam without retiree: 'path'";
  const param = retiree === 'path' ? (retireeParam ?? 'id') : retiree === 'alert' ? 'id' : null;
  if (param !== null && !url.split('/').includes(`:${param}`)) {
    return `names the retiree in the path parameter ${param}, which the path does not have`;
  }
  return null;
}

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
  const declared: AccessRoute[] = [];
  app.decorate('accessRoutes', declared);
  app.addHook('onRoute', (route) => {
    if (!declarationNeeded(route.url)) return;
    const problem = declarationProblem(route.url, route.config);
    const methods = [route.method].flat();
    if (problem !== null) throw new Error(`route ${methods.join(',')} ${route.url} ${problem}`);
    const { access, retiree, retireeParam } = route.config as AccessDeclaration;
    for (const method of methods) {
      // Fastify adds a HEAD twin to every GET route, with the GET route's own options.
      if (method === 'HEAD' && declared.some((entry) => entry.method === 'GET' && entry.url === route.url)) {
        continue;
      }
      declared.push({
        method,
        url: route.url,
        access,
        ...(retiree !== undefined ? { retiree } : {}),
        ...(retireeParam !== undefined ? { retireeParam } : {}),
      });
    }
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
    if (request.routeOptions.config?.access === 'public') return;
    const user = await hub.sessions.userFor(bearerToken(request));
    if (!user) throw unauthorized();
    request.user = user;
    // 6.11.2.2, 6.11.2.4: a family account sees its own relative and nothing else. It may reach only
    // its sign-in and its family page, judged by the matched route (not the raw URL): a fence of
    // its own besides the declared access (declarationProblem keeps the two in agreement).
    if (user.role === 'family' && !familyMayReach(request.routeOptions.url)) {
      throw forbidden('family accounts may use /api/family only');
    }
  });
  app.addHook('preHandler', async (request) => {
    const { access, retiree, retireeParam } = request.routeOptions.config ?? {};
    if (access === undefined || access === 'public') return;
    // 6.11.2.2: for a station's caseworker another station's retiree, and its alerts, do not exist
    // (404), whatever its role may do on the route, so the answer says nothing of the record. On
    // the family routes the retiree is the family's own relative, which their handlers check.
    const station = request.user ? scopeOf(request.user).station : null;
    const route = request.routeOptions.url ?? '';
    if (station !== null && !familyMayReach(route)) {
      const params = (request.params ?? {}) as Record<string, string | undefined>;
      if (retiree === 'path') {
        const id = params[retireeParam ?? 'id'] ?? '';
        await assertInScope(hub.db, { station }, uuidOr404(id, 'retiree'));
      } else if (retiree === 'alert') {
        await assertAlertInScope(hub.db, { station }, uuidOr404(params.id ?? '', 'alert'));
      }
    }
    if (!mayAccess(access, request.user?.role)) throw forbidden();
  });
}

export const FAMILY_ROUTE_PREFIXES = ['/api/auth/', '/api/family/'];

function familyMayReach(route: string | undefined): boolean {
  return route !== undefined && FAMILY_ROUTE_PREFIXES.some((prefix) => route.startsWith(prefix));
}
