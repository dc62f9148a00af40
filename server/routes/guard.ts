/** Authentication for every API route but the public ones, and role checks. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../auth/sessions.ts';
import { forbidden, unauthorized } from '../errors.ts';
import type { Role } from '../schemas/auth.ts';
import type { HubContext } from './context.ts';

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  return request.cookies[SESSION_COOKIE];
}

export function installGuard(app: FastifyInstance, hub: HubContext): void {
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
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
}

export const FAMILY_ROUTE_PREFIXES = ['/api/auth/', '/api/family/'];

function familyMayReach(route: string | undefined): boolean {
  return route !== undefined && FAMILY_ROUTE_PREFIXES.some((prefix) => route.startsWith(prefix));
}

export function requireRole(request: FastifyRequest, roles: Role[]): void {
  if (!request.user) throw unauthorized();
  if (!roles.includes(request.user.role)) throw forbidden();
}
