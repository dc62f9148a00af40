import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { mayAccess } from '../access/policy.ts';
import type { AreaOptions } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import { refusals, writeErrors } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import { isUuid, uuidOr404 } from '../ids.ts';
import {
  AckBody,
  ActionBody,
  Alert,
  AlertListQuery,
  AlertStep,
  AssignBody,
  CommentBody,
  ResolveBody,
} from '../schemas/alerts.ts';
import { ErrorResponse, IdParams } from '../schemas/common.ts';
import { retireesOfScope, scopeOf } from '../store/scope.ts';
import { publicUser } from '../store/users.ts';

const route = routeOptions('alerts');

const alertId = (id: string) => uuidOr404(id, 'alert');

export const alertRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  app.get(
    '/api/alerts',
    route('alerts.read', {
      summary: 'Alerts, newest first; `status=active` gives the queue (open and acknowledged)',
      querystring: AlertListQuery,
      response: { 200: Type.Array(Alert), 400: ErrorResponse, 401: ErrorResponse },
    }),
    async (request) => {
      const { status, retireeId, limit } = request.query;
      if (retireeId && !isUuid(retireeId)) return [];
      const alerts = await app.alerts.list({
        ...(status ? { status } : {}),
        ...(retireeId ? { retireeId } : {}),
        limit: limit ?? 100,
      });
      // 6.11.2.2: a station's caseworker sees the alerts of that station's retirees only.
      const mine = await retireesOfScope(hub.db, scopeOf(request.user!));
      if (mine === null) return alerts;
      return alerts.filter((alert) => alert.retireeId !== null && mine.has(alert.retireeId));
    },
  );

  app.get(
    '/api/alerts/:id',
    route('alerts.read', {
      retiree: 'alert',
      summary: 'One alert',
      params: IdParams,
      response: { 200: Alert, 401: ErrorResponse, 404: ErrorResponse },
    }),
    async (request) => {
      const alert = await app.alerts.byId(alertId(request.params.id));
      if (!alert) throw notFound('alert');
      return alert;
    },
  );

  app.post(
    '/api/alerts/:id/ack',
    route('alerts.handle', {
      retiree: 'alert',
      summary: 'Acknowledge an open alert; the device is told help is being arranged',
      params: IdParams,
      body: Type.Optional(AckBody),
      response: {
        200: Alert,
        ...refusals(400, 401, 403, 404, 409),
      },
    }),
    async (request) => {
      return app.workflow.acknowledge(alertId(request.params.id), request.user!, request.body?.text);
    },
  );

  app.post(
    '/api/alerts/:id/resolve',
    route('alerts.handle', {
      retiree: 'alert',
      summary: 'Resolve an alert with an outcome and a note',
      params: IdParams,
      body: ResolveBody,
      response: {
        200: Alert,
        ...refusals(400, 401, 403, 404, 409),
      },
    }),
    async (request) => {
      return app.workflow.resolve(
        alertId(request.params.id),
        request.user!,
        request.body.outcome,
        request.body.note,
      );
    },
  );

  app.get(
    '/api/alerts/:id/steps',
    route('alerts.read', {
      retiree: 'alert',
      summary: 'Every step taken on an alert, oldest first: who, when, what',
      params: IdParams,
      response: { 200: Type.Array(AlertStep), ...writeErrors },
    }),
    async (request) => {
      const id = alertId(request.params.id);
      if (!(await app.alerts.byId(id))) throw notFound('alert');
      return app.workflow.steps(id);
    },
  );

  app.post(
    '/api/alerts/:id/take',
    route('alerts.handle', {
      retiree: 'alert',
      summary: 'Take an alert: the others see who has it',
      params: IdParams,
      response: { 200: Alert, ...writeErrors },
    }),
    async (request) => {
      return app.workflow.take(alertId(request.params.id), request.user!);
    },
  );

  app.post(
    '/api/alerts/:id/assign',
    route('alerts.assign', {
      retiree: 'alert',
      summary: 'Reassign an alert to another staff member (supervisor)',
      params: IdParams,
      body: AssignBody,
      response: { 200: Alert, ...writeErrors },
    }),
    async (request) => {
      const target = await app.users.byId(request.body.userId).catch(() => null);
      // Only someone who may work alerts can be given one.
      if (!target || target.disabled || !mayAccess('alerts.handle', target.role)) {
        throw badRequest('userId names no active staff member');
      }
      return app.workflow.assign(alertId(request.params.id), request.user!, publicUser(target));
    },
  );

  app.post(
    '/api/alerts/:id/actions',
    route('alerts.handle', {
      retiree: 'alert',
      summary:
        'Record an action (called the retiree or family, sent staff, handed to 120); the alert is then in progress',
      params: IdParams,
      body: ActionBody,
      response: { 200: Alert, ...writeErrors },
    }),
    async (request) => {
      return app.workflow.act(alertId(request.params.id), request.user!, request.body);
    },
  );

  app.post(
    '/api/alerts/:id/help-coming',
    route('alerts.handle', {
      retiree: 'alert',
      summary: "Tell the retiree's device that help is on the way",
      params: IdParams,
      body: Type.Optional(AckBody),
      response: { 200: Alert, ...writeErrors },
    }),
    async (request) => {
      return app.workflow.helpComing(alertId(request.params.id), request.user!, request.body?.text);
    },
  );

  app.post(
    '/api/alerts/:id/comments',
    route('alerts.handle', {
      retiree: 'alert',
      summary: 'Add a comment, in any state',
      params: IdParams,
      body: CommentBody,
      response: { 200: Alert, ...writeErrors },
    }),
    async (request) => {
      return app.workflow.comment(alertId(request.params.id), request.user!, request.body.text);
    },
  );
};
