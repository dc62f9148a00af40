/**
 * Families (6.11.2.4) and notification channels. Family accounts reach only `/api/auth/*` and
 * `/api/family/*` (the guard enforces it, 6.11.2.2); everything under `/api/family` answers for the
 * signed-in family member's own relative only. Staff manage accounts, channels and read the log.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import promClient from 'prom-client';
import type { AreaOptions } from '../context.ts';
import { notFound } from '../errors.ts';
import { readErrors } from '../http/records.ts';
import { recordRoutes } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import { uuidOr404 } from '../ids.ts';
import { checkChannel } from '../notify/targets.ts';
import { ErrorResponse } from '../schemas/common.ts';
import * as schema from '../schemas/family.ts';
import { retireeOr404 as findRetiree } from '../store/checks.ts';

const route = routeOptions('families');
const notificationsRoute = routeOptions('notifications');

export const familyRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const retireeOr404 = async (id: string): Promise<string> => (await findRetiree(hub.db, id)).id;

  async function contactOr404(id: string, contactId: string): Promise<string> {
    const retireeId = await retireeOr404(id);
    const contact = uuidOr404(contactId, 'contact');
    if (!(await app.families.records.contactBelongs(retireeId, contact))) throw notFound('contact');
    return contact;
  }

  // ── family accounts, managed by staff ──────────────────────────────────────────────────────────
  // `:id` is the retiree's own id.
  const accountRecords = recordRoutes(app, route, {
    url: '/api/retirees',
    record: schema.FamilyAccount,
    read: 'familyAccounts.manage',
    write: 'familyAccounts.manage',
    retiree: 'path',
  });
  accountRecords.on(
    'family-accounts',
    {
      summary:
        "Create a family account that sees this retiree only (6.11.2.4); optionally one of the retiree's contacts",
      body: schema.FamilyAccountInput,
      code: 201,
    },
    async (id, body, caller) => app.families.createAccount(await retireeOr404(id), body, caller.user),
  );
  accountRecords.on(
    'family-accounts',
    { method: 'get', summary: "The retiree's family accounts", answer: Type.Array(schema.FamilyAccount) },
    async (id) => app.families.records.accounts(await retireeOr404(id)),
  );

  app.delete(
    '/api/retirees/:id/family-accounts/:userId',
    route('familyAccounts.manage', {
      retiree: 'path',
      summary: 'Disable a family account and end its sessions (the account stays on record)',
      params: schema.FamilyAccountParams,
      response: { 204: Type.Null(), ...readErrors },
    }),
    async (request, reply) => {
      const retireeId = await retireeOr404(request.params.id);
      const userId = uuidOr404(request.params.userId, 'family account');
      if (!(await app.families.records.disable(retireeId, userId))) throw notFound('family account');
      return reply.code(204).send(null);
    },
  );

  // ── the family's own page ───────────────────────────────────────────────────────────────────────
  app.get(
    '/api/family/status',
    route('family.read', {
      summary: "The relative's state, who is handling it, the last 30 days of alerts and the centre's phone",
      response: { 200: schema.FamilyStatus, 401: ErrorResponse, 403: ErrorResponse },
    }),
    async (request) => {
      return app.families.status(request.user!);
    },
  );

  recordRoutes(app, route, {
    url: '/api/family/alerts',
    record: schema.FamilyAlert,
    read: 'family.read',
    write: 'family.respond',
    retiree: 'alert',
  }).on(
    'on-my-way',
    {
      summary: '"I\'m on my way": recorded on the alert and shown to the staff on duty',
      body: Type.Optional(schema.OnMyWayBody),
    },
    (id, body, caller) => app.families.onMyWay(caller.user, id, body ?? {}),
  );

  // ── notification channels per contact and severity ─────────────────────────────────────────────
  const refusedTargets = new promClient.Counter({
    name: 'hub_notify_channels_refused_total',
    help: 'Webhook channels not added because the target is a loopback, private or link-local address',
    registers: [hub.registry],
  });

  app.get(
    '/api/retirees/:id/contacts/:contactId/channels',
    notificationsRoute('channels.read', {
      retiree: 'path',
      summary: "A contact's notification channels",
      params: schema.ContactParams,
      response: { 200: Type.Array(schema.Channel), ...readErrors },
    }),
    async (request) => {
      const contactId = await contactOr404(request.params.id, request.params.contactId);
      return app.notifications.records.channels(contactId);
    },
  );

  app.post(
    '/api/retirees/:id/contacts/:contactId/channels',
    notificationsRoute('channels.manage', {
      retiree: 'path',
      summary:
        'Add an e-mail or signed-webhook channel to a contact, from a minimum severity on (default high)',
      params: schema.ContactParams,
      body: schema.ChannelInput,
      response: { 201: schema.CreatedChannel, ...readErrors },
    }),
    async (request, reply) => {
      const contactId = await contactOr404(request.params.id, request.params.contactId);
      const { kind, target, secret } = request.body;
      const checked = checkChannel(app.notifications, kind, target, secret, () => refusedTargets.inc());
      const channel = await app.notifications.records.addChannel({
        contactId,
        kind,
        target: checked.target,
        secret: checked.storedSecret,
        minSeverity: request.body.minSeverity ?? 'high',
        enabled: request.body.enabled ?? true,
      });
      return reply.code(201).send({ channel, secret: checked.shownSecret });
    },
  );

  app.delete(
    '/api/retirees/:id/contacts/:contactId/channels/:channelId',
    notificationsRoute('channels.manage', {
      retiree: 'path',
      summary: 'Remove a channel (kept on record for the delivery log)',
      params: schema.ChannelParams,
      response: { 204: Type.Null(), ...readErrors },
    }),
    async (request, reply) => {
      const contactId = await contactOr404(request.params.id, request.params.contactId);
      const channelId = uuidOr404(request.params.channelId, 'channel');
      if (!(await app.notifications.records.removeChannel(contactId, channelId))) throw notFound('channel');
      return reply.code(204).send(null);
    },
  );

  recordRoutes(app, notificationsRoute, {
    url: '/api/alerts',
    record: schema.Delivery,
    read: 'alerts.read',
    write: 'alerts.handle',
    retiree: 'alert',
  }).on(
    'deliveries',
    {
      method: 'get',
      summary: 'Every notification attempt for an alert: channel, reason, attempt, status, answer or error',
      answer: Type.Array(schema.Delivery),
    },
    (id) => app.notifications.records.deliveries(uuidOr404(id, 'alert')),
  );
};
