/**
 * A route that does not say who may call it is not registered: the guard reads each route's
 * `config.access` as the route is added and throws for an API route without a known one, so a
 * forgotten declaration stops the hub from starting instead of opening a route to everyone signed
 * in (6.11.2.2: staff retrieve and update records only as authorised). Tried on a small fastify
 * instance with the hub's own guard installed, the way the hub registers its route plugins.
 */
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type RouteShorthandOptions } from 'fastify';
import promClient from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { installGuard } from '../../server/access/guard.ts';
import { ACCESSES, POLICY, ROLES, rolesOf } from '../../server/access/policy.ts';
import type { HubContext } from '../../server/context.ts';
import { Role } from '../../server/schemas/auth.ts';

/** Installing the guard touches only the metrics registry; requests are not sent here. */
function guarded(): FastifyInstance {
  const app = Fastify();
  installGuard(app, { registry: new promClient.Registry(), allowedOrigins: [] } as unknown as HubContext);
  return app;
}

/** A plugin adding one route, as server/app.ts registers every route file. */
function oneRoute(method: 'get' | 'post', url: string, options: RouteShorthandOptions): FastifyPluginAsync {
  return async (plugin) => {
    plugin[method](url, options, async () => ({ ok: true }));
  };
}

/** Registers the plugin and starts the instance, as buildApp does. */
async function start(app: FastifyInstance, plugin: FastifyPluginAsync): Promise<void> {
  await app.register(plugin);
  await app.ready();
}

describe('route access declarations', () => {
  let app: FastifyInstance | undefined;

  afterEach(async () => {
    await app?.close().catch(() => undefined);
    app = undefined;
  });

  it('refuses to register an API route that declares no access', async () => {
    app = guarded();
    await expect(start(app, oneRoute('get', '/api/forgotten', {}))).rejects.toThrow(
      /GET \/api\/forgotten declares no access/,
    );
    expect(app.accessRoutes).toStrictEqual([]);
  });

  it('refuses the operators’ endpoints without a declaration too', () => {
    app = guarded();
    expect(() => app?.get('/healthz', async () => 'ok')).toThrow(/\/healthz declares no access/);
    expect(() => app?.get('/metrics', async () => 'ok')).toThrow(/\/metrics declares no access/);
  });

  it('refuses an access the table does not know', async () => {
    app = guarded();
    const config = { access: 'visits.delete' } as unknown as RouteShorthandOptions['config'];
    await expect(start(app, oneRoute('post', '/api/visits/forget', { config }))).rejects.toThrow(
      /does not know: visits\.delete/,
    );
  });

  it('refuses a retiree named in a path parameter the path does not have', () => {
    app = guarded();
    expect(() =>
      app?.get('/api/things/:thingId', { config: { access: 'visits.read', retiree: 'path' } }, async () => 1),
    ).toThrow(/path parameter id/);
    expect(() =>
      app?.get(
        '/api/things/:id',
        { config: { access: 'visits.read', retiree: 'path', retireeParam: 'retireeId' } },
        async () => 1,
      ),
    ).toThrow(/path parameter retireeId/);
    expect(() =>
      app?.get('/api/things/:id', { config: { access: 'visits.read', retireeParam: 'id' } }, async () => 1),
    ).toThrow(/retireeParam without retiree: 'path'/);
  });

  it('refuses family access outside the routes family accounts may reach, and non-public access outside /api', () => {
    app = guarded();
    expect(() => app?.get('/api/things', { config: { access: 'family.read' } }, async () => 1)).toThrow(
      /lets family accounts in/,
    );
    expect(() => app?.get('/healthz', { config: { access: 'audit.read' } }, async () => 1)).toThrow(
      /outside \/api\/ and so can only be public/,
    );
  });

  it('collects every declared route once, HEAD twins of GET routes left out, and leaves other routes alone', async () => {
    app = guarded();
    app.get('/docs/anything', async () => 'no declaration needed outside the API');
    await app.register(
      oneRoute('get', '/api/retirees/:id/things', { config: { access: 'retirees.read', retiree: 'path' } }),
    );
    await app.register(oneRoute('post', '/api/family/things', { config: { access: 'family.respond' } }));
    await app.ready();
    expect(app.accessRoutes).toStrictEqual([
      { method: 'GET', url: '/api/retirees/:id/things', access: 'retirees.read', retiree: 'path' },
      { method: 'POST', url: '/api/family/things', access: 'family.respond' },
    ]);
  });
});

describe('the access table', () => {
  it('knows the same roles as the API', () => {
    const apiRoles = Role.anyOf.map((literal) => literal.const);
    expect([...ROLES].sort()).toStrictEqual([...apiRoles].sort());
  });

  it('gives every action at least one role, and nothing to a role it does not know', () => {
    const empty = ACCESSES.filter((access) => rolesOf(access).length === 0);
    expect(empty).toStrictEqual([]);
    const known: readonly string[] = ROLES;
    const unknown = Object.values(POLICY).flatMap((actions) =>
      Object.values(actions).flatMap((roles: readonly string[]) =>
        roles.filter((role) => !known.includes(role)),
      ),
    );
    expect(unknown).toStrictEqual([]);
  });
});
