import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { mayAccess } from '../access/policy.ts';
import type { AreaOptions } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import { refusals, writeErrors } from '../http/records.ts';
import { recordRoutes } from '../http/resource.ts';
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
import { retireesOfScope } from '../store/scope.ts';
import { publicUser } from '../store/users.ts';

const route = routeOptions('alerts');

const alertId = (id: string) => uuidOr404(id, 'alert');

export const alertRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const alertRecords = recordRoutes(app, route, {
    url: '/api/alerts',
    record: Alert,
    read: 'alerts.read',
    write: 'alerts.handle',
    retiree: 'alert',
    errors: { read: refusals(401, 404) },
  });
  alertRecords.list(
    {
      summary: 'Alerts, newest first; `status=active` gives the queue (open and acknowledged)',
      query: AlertListQuery,
      errors: refusals(400, 401),
    },
    async ({ status, retireeId, limit }, caller) => {
      if (retireeId && !isUuid(retireeId)) return [];
      const alerts = await app.alerts.list({
        ...(status ? { status } : {}),
        ...(retireeId ? { retireeId } : {}),
        limit: limit ?? 100,
      });
      // 6.11.2.2: a station's caseworker sees the alerts of that station's retirees only.
      const mine = await retireesOfScope(hub.db, caller.scope);
      if (mine === null) return alerts;
      return alerts.filter((alert) => alert.retireeId !== null && mine.has(alert.retireeId));
    },
  );
  alertRecords.one('One alert', async (id) => {
    const alert = await app.alerts.byId(alertId(id));
    if (!alert) throw notFound('alert');
    return alert;
  });
  alertRecords.on(
    'ack',
    {
      summary: 'Acknowledge an open alert; the device is told help is being arranged',
      body: Type.Optional(AckBody),
    },
    (id, body, caller) => app.workflow.acknowledge(alertId(id), caller.user, body?.text),
  );
  alertRecords.on(
    'resolve',
    { summary: 'Resolve an alert with an outcome and a note', body: ResolveBody },
    (id, body, caller) => app.workflow.resolve(alertId(id), caller.user, body.outcome, body.note),
  );
  alertRecords.on(
    'steps',
    {
      summary: 'Every step taken on an alert, oldest first: who, when, what',
      method: 'get',
      answer: Type.Array(AlertStep),
      errors: writeErrors,
    },
    async (id) => {
      const alertKey = alertId(id);
      if (!(await app.alerts.byId(alertKey))) throw notFound('alert');
      return app.workflow.steps(alertKey);
    },
  );
  alertRecords.on('take', { summary: 'Take an alert: the others see who has it' }, (id, _, caller) =>
    app.workflow.take(alertId(id), caller.user),
  );
  alertRecords.on(
    'assign',
    {
      summary: 'Reassign an alert to another staff member (supervisor)',
      access: 'alerts.assign',
      body: AssignBody,
    },
    async (id, body, caller) => {
      const target = await app.users.byId(body.userId).catch(() => null);
      // Only someone who may work alerts can be given one.
      if (!target || target.disabled || !mayAccess('alerts.handle', target.role)) {
        throw badRequest('userId names no active staff member');
      }
      return app.workflow.assign(alertId(id), caller.user, publicUser(target));
    },
  );
  alertRecords.on(
    'actions',
    {
      summary:
        'Record an action (called the retiree or family, sent staff, handed to 120); the alert is then in progress',
      body: ActionBody,
    },
    (id, body, caller) => app.workflow.act(alertId(id), caller.user, body),
  );
  alertRecords.on(
    'help-coming',
    { summary: "Tell the retiree's device that help is on the way", body: Type.Optional(AckBody) },
    (id, body, caller) => app.workflow.helpComing(alertId(id), caller.user, body?.text),
  );
  alertRecords.on(
    'comments',
    { summary: 'Add a comment, in any state', body: CommentBody },
    (id, body, caller) => app.workflow.comment(alertId(id), caller.user, body.text),
  );
};
