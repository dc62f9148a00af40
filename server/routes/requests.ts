import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { definitions } from '../../devices/index.ts';
import { notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import { scopeOf } from '../records/scope.ts';
import { RequestRecords } from '../requests/records.ts';
import { ErrorResponse, IdParams } from '../schemas/common.ts';
import {
  ButtonTest,
  ServiceRequest,
  ServiceRequestStatus,
  ServiceRequestUpdate,
} from '../schemas/requests.ts';
import type { HubContext } from './context.ts';
import { requireRole } from './guard.ts';

/** Device types with a button that can be test-pressed. */
const testableTypes = definitions
  .filter((definition) => definition.events.includes('button_test'))
  .map((d) => d.type);

export const requestRoutes: FastifyPluginAsyncTypebox<{ hub: HubContext }> = async (app, { hub }) => {
  const records = new RequestRecords(hub.db);

  /** 6.11.2.2: the retirees a station's caseworker may see; null for the whole centre. */
  async function stationRetirees(request: FastifyRequest): Promise<Set<string> | null> {
    const { station } = scopeOf(request.user!);
    if (station === null) return null;
    const rows = await hub.db.query<{ id: string }>('select id from retirees where station = $1', [station]);
    return new Set(rows.map((row) => row.id));
  }

  app.get(
    '/api/service-requests',
    {
      schema: {
        tags: ['service requests'],
        summary: 'Service requests from the 求助 key (6.12), newest first',
        querystring: Type.Object({
          status: Type.Optional(ServiceRequestStatus),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
        }),
        response: {
          200: Type.Array(ServiceRequest),
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (request) => {
      requireRole(request, ['admin', 'supervisor', 'operator', 'caseworker']);
      const all = await records.list(request.query.status, request.query.limit ?? 100);
      const mine = await stationRetirees(request);
      return mine ? all.filter((entry) => entry.retireeId !== null && mine.has(entry.retireeId)) : all;
    },
  );

  app.patch(
    '/api/service-requests/:id',
    {
      schema: {
        tags: ['service requests'],
        summary: 'Assign a provider, mark done, record the rating',
        params: IdParams,
        body: ServiceRequestUpdate,
        response: {
          200: ServiceRequest,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) => {
      requireRole(request, ['admin', 'supervisor', 'operator', 'caseworker']);
      const id = uuidOr404(request.params.id, 'service request');
      const mine = await stationRetirees(request);
      const found = mine ? await records.byId(id) : null;
      if (mine && !(found?.retireeId && mine.has(found.retireeId))) throw notFound('service request');
      const updated = await records.update(id, request.body, new Date());
      if (!updated) throw notFound('service request');
      return updated;
    },
  );

  app.get(
    '/api/button-tests',
    {
      schema: {
        tags: ['devices'],
        summary:
          'Every emergency button with its last test press; `overdue=true` lists those due for the monthly test',
        querystring: Type.Object({ overdue: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Array(ButtonTest), 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => {
      const every = await records.buttonTests(testableTypes, new Date());
      const mine = await stationRetirees(request);
      const all = mine
        ? every.filter((entry) => entry.retireeId !== null && mine.has(entry.retireeId))
        : every;
      return request.query.overdue === undefined
        ? all
        : all.filter((entry) => entry.overdue === request.query.overdue);
    },
  );
};
