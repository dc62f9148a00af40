/**
 * The HTTP application: security headers on every answer, external plugins (cookies, OpenAPI),
 * then the guard, then the routes, then the built dashboard. Errors always answer
 * `{error, message}`; a 5xx never reveals internals.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
} from 'fastify';
import type { Logger } from 'pino';
import promClient from 'prom-client';
import { installAudit, sqlLookups } from './audit/hook.ts';
import { AuditLog } from './audit/log.ts';
import { narrowDateTime } from './date-time-format.ts';
import { HubError } from './errors.ts';
import { installNulGuard } from './nul-guard.ts';
import { findCardFont } from './rescue/pdf.ts';
import { abroadRoutes } from './routes/abroad.ts';
import { activityRoutes } from './routes/activities.ts';
import { alertRoutes } from './routes/alerts.ts';
import { archiveRoutes } from './routes/archive.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import { livingCareAfterDeathRoutes } from './routes/bereavement.ts';
import { consentRoutes } from './routes/consents.ts';
import type { HubContext } from './routes/context.ts';
import { contributionRoutes } from './routes/contributions.ts';
import { deviceRoutes } from './routes/devices.ts';
import { dutyRoutes } from './routes/duty.ts';
import { familyRoutes } from './routes/family.ts';
import { bearerToken, installGuard } from './routes/guard.ts';
import { intakeRoutes } from './routes/intake.ts';
import { medicalRoutes } from './routes/medical.ts';
import { privacyRoutes } from './routes/privacy.ts';
import { receptionEvaluationRoutes } from './routes/reception.ts';
import { reportRoutes } from './routes/reports.ts';
import { requestRoutes } from './routes/requests.ts';
import { rescueRoutes } from './routes/rescue.ts';
import { retireeRoutes } from './routes/retirees.ts';
import { securityRoutes } from './routes/security.ts';
import { settingsRoutes } from './routes/settings.ts';
import { systemRoutes } from './routes/system.ts';
import { userRoutes } from './routes/users.ts';
import { visitRoutes } from './routes/visits.ts';
import { wallRoutes } from './routes/wall.ts';
import { workListRoutes } from './routes/worklist.ts';
import { ErrorResponse } from './schemas/common.ts';
import { DOCS_CSP, EARLY_ANSWER_HEADERS, installSecurityHeaders } from './security/headers.ts';
import { docsAccess } from './security/system-access.ts';

const clientErrorCodes: Record<number, string> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

const dashboardDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dashboard/dist');

export async function buildApp(hub: HubContext, logger: Logger): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: 256 * 1024,
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true },
      onCreate: narrowDateTime,
    },
    // A URL that does not decode (or a path parameter too long) is answered before any hook runs:
    // in the shape and with the headers of every other answer.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const status = error.statusCode ?? 400;
      reply
        .code(status)
        .headers(EARLY_ANSWER_HEADERS)
        .send(
          status < 500
            ? { error: 'bad_request', message: error.message }
            : { error: 'internal', message: 'internal error; see the server log' },
        );
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Bodies are JSON, or the raw files a route takes by its own parsers (attachments, imports).
  // Fastify also parses text/plain by default: a body any page may send cross-origin without a
  // preflight (a form with enctype="text/plain"), which a body-less POST would then accept. Gone:
  // text/plain, forms and multipart answer 415.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((error: FastifyError | HubError, request, reply) => {
    if (error instanceof HubError) {
      return reply.code(error.statusCode).send({ error: error.code, message: error.message });
    }
    if (error.validation) {
      return reply.code(400).send({ error: 'bad_request', message: error.message });
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      return reply
        .code(status)
        .send({ error: clientErrorCodes[status] ?? 'bad_request', message: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error; see the server log' });
  });

  await installSecurityHeaders(app);
  app.addSchema(ErrorResponse);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Junxiu Hub API (军休智慧监护平台)',
        description: 'Monitoring and service records for retired military cadres (DB51/T 2839-2021).',
        version: '1',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // Swagger UI's own bundle and stylesheet, and no framing; see server/security/headers.ts.
    staticCSP: DOCS_CSP,
    // Open unless HUB_DOCS_REQUIRE_AUTH: then a staff session (the dashboard's cookie will do).
    uiHooks: { onRequest: docsAccess(hub.systemAccess, hub.sessions, bearerToken) },
  });

  // Every answer is counted, so bad input (4xx) shows in /metrics next to the device rejections.
  const responses = new promClient.Counter({
    name: 'hub_http_responses_total',
    help: 'HTTP responses by route and status code',
    labelNames: ['method', 'route', 'status'],
    registers: [hub.registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    responses.inc({
      method: request.method,
      route: request.routeOptions.url ?? 'not_found',
      status: String(reply.statusCode),
    });
  });

  installGuard(app, hub);
  installNulGuard(app);
  // PIPL, 6.11.2.2: sign-ins, refusals and every read or change of a health record, hash-chained.
  const audit = new AuditLog(hub.db);
  installAudit(app, audit, sqlLookups(hub.db), (error) =>
    app.log.error({ err: error }, 'audit entry not written'),
  );
  await app.register(systemRoutes, { hub });
  await app.register(authRoutes, { hub });
  await app.register(retireeRoutes, { hub });
  await app.register(wallRoutes, { hub });
  await app.register(deviceRoutes, { hub });
  await app.register(alertRoutes, { hub });
  await app.register(familyRoutes, { hub });
  await app.register(reportRoutes, { hub });
  await app.register(userRoutes, { hub });
  await app.register(settingsRoutes, { hub });
  await app.register(requestRoutes, { hub });
  await app.register(dutyRoutes, { hub });
  await app.register(abroadRoutes, { hub, watch: hub.abroadWatch });
  await app.register(medicalRoutes, { hub });
  await app.register(visitRoutes, { hub });
  await app.register(livingCareAfterDeathRoutes, { hub });
  await app.register(receptionEvaluationRoutes, { hub });
  await app.register(workListRoutes, { hub });
  await app.register(rescueRoutes, { hub, font: findCardFont(hub.cardFont) });
  await app.register(archiveRoutes, { hub });
  await app.register(activityRoutes, { hub });
  await app.register(contributionRoutes, { hub });
  await app.register(intakeRoutes, { hub, font: findCardFont(hub.cardFont) });
  await app.register(privacyRoutes, { hub });
  await app.register(securityRoutes, { hub });
  await app.register(auditRoutes, { hub, audit });
  await app.register(consentRoutes, { hub });

  const hasDashboard = fs.existsSync(path.join(dashboardDist, 'index.html'));
  if (hasDashboard) {
    // wildcard: files are looked up per request, so a rebuilt dashboard is served without a restart.
    await app.register(fastifyStatic, { root: dashboardDist, prefix: '/', wildcard: true });
  }
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0] ?? '';
    // Page routes of the single-page app fall back to index.html; a missing file (a name with an
    // extension, e.g. an old /assets/*.js) is a plain 404, never HTML in place of a script.
    const wantsPage =
      request.method === 'GET' &&
      !pathname.startsWith('/api/') &&
      !pathname.startsWith('/socket.io') &&
      !/\.[A-Za-z0-9]+$/.test(pathname);
    if (wantsPage && hasDashboard) return reply.type('text/html').sendFile('index.html');
    if (wantsPage && pathname === '/') {
      return reply
        .type('text/plain; charset=utf-8')
        .send(
          'The dashboard is not built yet: run `npm run build:dashboard`. The API is at /api and documented at /docs.',
        );
    }
    return reply
      .code(404)
      .send({ error: 'not_found', message: `${request.method} ${request.url.split('?')[0]} not found` });
  });
  return app;
}
