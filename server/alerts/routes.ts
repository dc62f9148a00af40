import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { mayAccess } from '../access/policy.ts';
import { centreDay } from '../calendar.ts';
import type { AreaOptions } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import { refusals, writeErrors } from '../http/records.ts';
import { type Caller, recordRoutes } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import { isUuid, uuidOr404 } from '../ids.ts';
import { mayReceiveAlert } from '../notify/audiences.ts';
import {
  AckBody,
  ActionBody,
  Alert,
  AlertListQuery,
  AlertPage,
  AlertStep,
  AssignBody,
  CommentBody,
  ResolveBody,
} from '../schemas/alerts.ts';
import type { AlertFilter } from '../store/alerts.ts';
import { publicUser } from '../store/users.ts';

const route = routeOptions('alerts');

const alertId = (id: string) => uuidOr404(id, 'alert');

export const alertRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app) => {
  const alertRecords = recordRoutes(app, route, {
    url: '/api/alerts',
    record: Alert,
    read: 'alerts.read',
    write: 'alerts.handle',
    retiree: 'alert',
    errors: { read: refusals(401, 404) },
  });
  /** The filters of a list as the store takes them; `null` when `retireeId` can name no alert. */
  function filterOf(query: AlertListQuery, caller: Caller): AlertFilter | null {
    const { status, retireeId, kind, severity, q, from, to } = query;
    if (retireeId && !isUuid(retireeId)) return null;
    if (from && to && Date.parse(from) > Date.parse(to)) throw badRequest('from is after to');
    return {
      ...(status ? { status } : {}),
      ...(retireeId ? { retireeId } : {}),
      ...(kind ? { kind } : {}),
      ...(severity ? { severity } : {}),
      ...(q ? { name: q } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      // 6.11.2.2: a station's caseworker sees the alerts of that station's retirees only.
      scope: caller.scope,
      // The kinds the caller's role may not open are not listed (server/notify/audiences.ts).
      ...(mayReceiveAlert('security', caller.user.role) ? {} : { withoutKinds: ['security'] }),
    };
  }
  alertRecords.list(
    {
      summary: 'Alerts, newest first; `status=active` gives the queue (open and acknowledged)',
      query: AlertListQuery,
      errors: refusals(400, 401),
    },
    async (query, caller) => {
      const filter = filterOf(query, caller);
      if (!filter) return [];
      return app.alerts.list({ ...filter, limit: query.limit ?? 100, offset: query.offset ?? 0 });
    },
  );
  // Its own collection, so `GET /api/alerts` keeps answering a plain array.
  const history = recordRoutes(app, route, {
    url: '/api/alert-history',
    record: Alert,
    read: 'alerts.read',
    errors: { read: refusals(400, 401) },
  });
  history.list(
    {
      summary: 'Past and present alerts a page at a time, with how many the filters find in all',
      description:
        "The same filters as `GET /api/alerts` (status, `closed` for resolved or cancelled, kind, severity, part of the retiree's name, a range of opening times); the history page reads it.",
      query: AlertListQuery,
      answer: AlertPage,
    },
    async (query, caller) => {
      const limit = query.limit ?? 100;
      const offset = query.offset ?? 0;
      const filter = filterOf(query, caller);
      if (!filter) return { items: [], total: 0, limit, offset };
      const [items, total] = await Promise.all([
        app.alerts.list({ ...filter, limit, offset }),
        app.alerts.count(filter),
      ]);
      return { items, total, limit, offset };
    },
  );
  alertRecords.one('One alert', async (id, caller) => {
    const alert = await app.alerts.byId(alertId(id));
    // An alert of a kind the caller's role may not open is no alert of theirs.
    if (!alert || !mayReceiveAlert(alert.kind, caller.user.role)) throw notFound('alert');
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
  /**
   * A hand-over to 120 that names the hospital records the admission (6.8.2.2): the hospital visit
   * it raises is assigned to nobody, for the retiree's station to take on. The hand-over itself is
   * recorded whatever becomes of this; a failure is logged.
   */
  async function admitted(alert: Alert, hospital: string | undefined, userId: string): Promise<void> {
    const name = hospital?.trim();
    if (!name || !alert.retireeId || !app.hasDecorator('visits')) return;
    try {
      await app.visits.recordAdmission(
        {
          retireeId: alert.retireeId,
          hospital: name,
          admittedOn: centreDay(new Date()),
          note: `120 转送（告警 ${alert.id}）`,
          assigneeId: null,
        },
        userId,
      );
    } catch (error) {
      app.log.error({ err: error, alertId: alert.id }, 'admission after the 120 hand-over not recorded');
    }
  }

  alertRecords.on(
    'actions',
    {
      summary:
        'Record an action (called the retiree or family, sent staff, handed to 120); the alert is then in progress',
      description:
        "A call may say how it went (`outcome`); a call to the family may name the relative (`contactId`, one of the alert's retiree's contacts), kept in the step's `contact`.",
      body: ActionBody,
    },
    async (id, body, caller) => {
      const alertKey = alertId(id);
      const calling = body.action === 'called_retiree' || body.action === 'called_family';
      if (body.outcome && !calling) throw badRequest('outcome is for a call (called_retiree, called_family)');
      if (body.action === 'handed_to_120') {
        const alert = await app.workflow.act(alertKey, caller.user, body);
        await admitted(alert, body.handover?.hospital, caller.user.id);
        return alert;
      }
      if (body.contactId === undefined) return app.workflow.act(alertKey, caller.user, body);
      if (body.action !== 'called_family') throw badRequest('contactId is for called_family');
      const alert = await app.alerts.byId(alertKey);
      if (!alert) throw notFound('alert');
      // Only a relative of this alert's retiree: the step keeps them as the card named them.
      const retiree = alert.retireeId ? await app.retirees.byId(alert.retireeId) : null;
      const contact = retiree?.contacts.find((each) => each.id === body.contactId);
      if (!contact) throw badRequest("contactId names no contact of this alert's retiree");
      const { name, relation, phone } = contact;
      return app.workflow.act(alertKey, caller.user, body, { id: contact.id, name, relation, phone });
    },
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
