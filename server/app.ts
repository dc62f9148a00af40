/**
 * The HTTP application: security headers on every answer, external plugins (cookies, OpenAPI),
 * then the guard, then the areas (each one plugin with its services and routes), then the built
 * dashboard. Errors always answer `{error, message}`; a 5xx never reveals internals. The hub runs
 * it as an extension (`httpApi`), with the upgrades it carries.
 */
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
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
import { type MqttGateway, tlsOptions } from '../gateway/index.ts';
import { abroadArea } from './abroad/plugin.ts';
import { bearerToken, installGuard } from './access/guard.ts';
import { activitiesArea } from './activities/plugin.ts';
import { alertsArea } from './alerts/plugin.ts';
import { archiveArea } from './archive/plugin.ts';
import { installAudit, sqlLookups } from './audit/hook.ts';
import { AuditLog } from './audit/log.ts';
import { auditArea } from './audit/plugin.ts';
import { authArea } from './auth/plugin.ts';
import { livingCareAfterDeath } from './bereavement/plugin.ts';
import { brokerArea } from './broker/plugin.ts';
import { centreArea } from './centre/plugin.ts';
import type { HubConfig } from './config.ts';
import { consentArea } from './consent/plugin.ts';
import type { HubContext, HubParts } from './context.ts';
import { contributionsArea } from './contributions/plugin.ts';
import { narrowDateTime } from './date-time-format.ts';
import { devicesArea } from './devices/plugin.ts';
import { dutyArea } from './duty/plugin.ts';
import { emergencyArea } from './emergency/plugin.ts';
import { HubError } from './errors.ts';
import { evaluationArea } from './evaluation/plugin.ts';
import type { Extension } from './extension.ts';
import { familyArea } from './family/plugin.ts';
import { intakeArea } from './intake/plugin.ts';
import type { LiveChannel } from './live/channel.ts';
import { locationArea } from './location/plugin.ts';
import { medicalArea } from './medical/plugin.ts';
import { notifyArea } from './notify/plugin.ts';
import { installNulGuard } from './nul-guard.ts';
import { payArea } from './pay/plugin.ts';
import { privacyArea } from './privacy/plugin.ts';
import { receptionArea } from './reception/plugin.ts';
import { reportsArea } from './reports/plugin.ts';
import { requestsArea } from './requests/plugin.ts';
import { rescueArea } from './rescue/plugin.ts';
import { retireesArea } from './retirees/plugin.ts';
import { ErrorResponse } from './schemas/common.ts';
import { DOCS_CSP, EARLY_ANSWER_HEADERS, installSecurityHeaders } from './security/headers.ts';
import { securityArea } from './security/plugin.ts';
import { docsAccess } from './security/system-access.ts';
import { Deadlines } from './settings/deadlines.ts';
import { settingsArea } from './settings/plugin.ts';
import { staffArea } from './staff/plugin.ts';
import { systemArea } from './system/plugin.ts';
import { usersArea } from './users/plugin.ts';
import { visitsArea } from './visits/plugin.ts';
import { watchesArea } from './watches/plugin.ts';
import { workListArea } from './worklist/plugin.ts';
import { WorkListSources } from './worklist/registry.ts';

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

/**
 * The areas of the API, in the order they register (the order of /docs). Each is one plugin that
 * builds its services, decorates them, registers its routes and adds its work-list providers; an
 * area that uses another's decoration names it in its `dependencies`.
 */
const AREAS = [
  systemArea,
  authArea,
  retireesArea,
  devicesArea,
  brokerArea,
  watchesArea,
  alertsArea,
  locationArea,
  familyArea,
  reportsArea,
  usersArea,
  settingsArea,
  notifyArea,
  requestsArea,
  dutyArea,
  abroadArea,
  medicalArea,
  visitsArea,
  livingCareAfterDeath,
  receptionArea,
  evaluationArea,
  workListArea,
  rescueArea,
  archiveArea,
  activitiesArea,
  contributionsArea,
  intakeArea,
  privacyArea,
  securityArea,
  auditArea,
  consentArea,
  emergencyArea,
  staffArea,
  payArea,
  centreArea,
];

export async function buildApp(hub: HubContext, parts: HubParts, logger: Logger): Promise<FastifyInstance> {
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

  // The hub's long-lived parts, for every area; the work list's sources, which areas add to.
  for (const [name, part] of Object.entries(parts)) app.decorate(name, part);
  app.decorate('workList', new WorkListSources());
  app.decorate('deadlines', new Deadlines(hub.db));
  installGuard(app, hub);
  installNulGuard(app);
  // PIPL, 6.11.2.2: sign-ins, refusals and every read or change of a health record, hash-chained.
  const audit = new AuditLog(hub.db);
  installAudit(app, audit, sqlLookups(hub.db), (error) =>
    app.log.error({ err: error }, 'audit entry not written'),
  );
  for (const area of AREAS) await app.register(area, { hub });

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

/**
 * The HTTP listener: fastify's own server, or with certificate files an HTTPS server that hands
 * each request and upgrade (socket.io, MQTT over WebSocket) to it.
 */
async function listenHttp(
  app: FastifyInstance,
  config: HubConfig,
): Promise<{ port: number; close: () => Promise<void> }> {
  if (!config.tls) {
    await app.listen({ port: config.httpPort, host: config.httpHost });
    return { port: (app.server.address() as AddressInfo).port, close: async () => {} };
  }
  await app.ready();
  const server = https.createServer(tlsOptions(config.tls), (request, response) =>
    app.server.emit('request', request, response),
  );
  server.on('upgrade', (request, socket, head) => app.server.emit('upgrade', request, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.httpPort, config.httpHost, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The HTTP API and the upgrades it carries (the live channel, MQTT over WebSocket), as an extension. */
interface HttpApi extends Extension {
  readonly app: FastifyInstance;
  readonly port: number;
}

export function httpApi(
  config: HubConfig,
  logger: Logger,
  build: () => Promise<FastifyInstance>,
  upgrades: { live: LiveChannel; gateway: MqttGateway },
): HttpApi {
  let app: FastifyInstance | undefined;
  let listener: { port: number; close: () => Promise<void> } | undefined;
  const closeApp = async (built: FastifyInstance) => {
    // The sockets first: open ones would hold the server from closing.
    await upgrades.live.stop();
    await built.close();
  };
  return {
    name: 'HTTP API',
    get app() {
      if (!app) throw new Error('the HTTP API has not started');
      return app;
    },
    get port() {
      return listener?.port ?? 0;
    },
    async start() {
      const built = await build();
      upgrades.live.attach(built.server);
      upgrades.gateway.attachWebSocket(built.server, '/mqtt');
      try {
        listener = await listenHttp(built, config);
      } catch (error) {
        await closeApp(built).catch((closing: unknown) => logger.error({ err: closing }, 'stop failed'));
        throw error;
      }
      app = built;
    },
    async stop() {
      await listener?.close();
      if (app) await closeApp(app);
    },
  };
}
