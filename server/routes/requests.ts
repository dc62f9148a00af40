import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { definitions } from '../../devices/index.ts';
import { notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
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
      return records.list(request.query.status, request.query.limit ?? 100);
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
      const updated = await records.update(
        uuidOr404(request.params.id, 'service request'),
        request.body,
        new Date(),
      );
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
      const all = await records.buttonTests(testableTypes, new Date());
      return request.query.overdue === undefined
        ? all
        : all.filter((entry) => entry.overdue === request.query.overdue);
    },
  );
};
