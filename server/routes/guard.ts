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
  });
}

export function requireRole(request: FastifyRequest, roles: Role[]): void {
  if (!request.user) throw unauthorized();
  if (!roles.includes(request.user.role)) throw forbidden();
}
