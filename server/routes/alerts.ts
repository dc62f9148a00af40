import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { notFound } from '../errors.ts';
import { AckBody, Alert, AlertListQuery, ResolveBody } from '../schemas/alerts.ts';
import { ErrorResponse, IdParams } from '../schemas/common.ts';
import type { HubContext } from './context.ts';
import { requireRole } from './guard.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const staff = ['admin', 'supervisor', 'operator'] as const;

function alertId(id: string): string {
  if (!UUID.test(id)) throw notFound('alert');
  return id.toLowerCase();
}

export const alertRoutes: FastifyPluginAsyncTypebox<{ hub: HubContext }> = async (app, { hub }) => {
  app.get(
    '/api/alerts',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Alerts, newest first; `status=active` gives the queue (open and acknowledged)',
        querystring: AlertListQuery,
        response: { 200: Type.Array(Alert), 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => {
      const { status, retireeId, limit } = request.query;
      if (retireeId && !UUID.test(retireeId)) return [];
      return hub.alerts.list({
        ...(status ? { status } : {}),
        ...(retireeId ? { retireeId } : {}),
        limit: limit ?? 100,
      });
    },
  );

  app.get(
    '/api/alerts/:id',
    {
      schema: {
        tags: ['alerts'],
        summary: 'One alert',
        params: IdParams,
        response: { 200: Alert, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const alert = await hub.alerts.byId(alertId(request.params.id));
      if (!alert) throw notFound('alert');
      return alert;
    },
  );

  app.post(
    '/api/alerts/:id/ack',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge an open alert; the device is told help is being arranged',
        params: IdParams,
        body: Type.Optional(AckBody),
        response: {
          200: Alert,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => {
      requireRole(request, [...staff]);
      return hub.workflow.acknowledge(alertId(request.params.id), request.user!, request.body?.text);
    },
  );

  app.post(
    '/api/alerts/:id/resolve',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Resolve an alert with an outcome and a note',
        params: IdParams,
        body: ResolveBody,
        response: {
          200: Alert,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => {
      requireRole(request, [...staff]);
      return hub.workflow.resolve(
        alertId(request.params.id),
        request.user!,
        request.body.outcome,
        request.body.note,
      );
    },
  );
};
