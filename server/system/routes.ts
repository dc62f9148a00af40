import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { bearerToken } from '../access/guard.ts';
import type { AreaOptions } from '../context.ts';
import { routeOptions } from '../http/route.ts';
import { ErrorResponse, Literals } from '../schemas/common.ts';
import { metricsAccess } from '../security/system-access.ts';
import { recordsAnswer } from './store.ts';

const route = routeOptions('system');

const Health = Type.Object({
  status: Literals(['ok', 'degraded']),
  records: Type.String(),
  telemetry: Type.Object({ kind: Type.String(), reachable: Type.Boolean() }),
  details: Type.Record(Type.String(), Type.Unknown()),
});

export const systemRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  app.get(
    '/healthz',
    route('public', {
      summary: 'Liveness and the state of the stores; 503 when the records database does not answer',
      response: { 200: Health, 503: Health },
    }),
    async (_request, reply) => {
      const [records, telemetry] = await Promise.all([
        recordsAnswer(hub.db),
        app.telemetry.ping().catch(() => false),
      ]);
      const body = {
        // Telemetry down is degraded, not dead: readings wait in the spool.
        status: records && telemetry ? ('ok' as const) : ('degraded' as const),
        records: hub.db.kind,
        telemetry: { kind: app.telemetry.kind, reachable: telemetry },
        details: app.health(),
      };
      return reply.code(records ? 200 : 503).send(body);
    },
  );

  const checkMetricsAccess = metricsAccess(hub.systemAccess, hub.sessions, bearerToken);
  app.get(
    '/metrics',
    {
      // Open unless HUB_METRICS_REQUIRE_AUTH: then the scraper's HUB_METRICS_TOKEN, or an admin's or
      // supervisor's session.
      ...route('public', {
        summary: 'Prometheus metrics',
        description:
          'Open by default. With HUB_METRICS_REQUIRE_AUTH=true: `Authorization: Bearer <HUB_METRICS_TOKEN>`, ' +
          'or the session of an admin or a supervisor.',
        response: { 200: Type.String(), 401: ErrorResponse, 403: ErrorResponse },
      }),
      onRequest: async (request, reply) => checkMetricsAccess(request, reply),
    },
    async (_request, reply) => {
      reply.type(hub.registry.contentType);
      return hub.registry.metrics();
    },
  );
};
