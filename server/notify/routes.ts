/**
 * Where the centre's staff are told (5.1.7: an alert nobody acknowledges must reach someone):
 * - each member of staff keeps their own channels (`/api/me/channels`; the administrator sets them
 *   for others under `/api/users/:id/channels`): a mobile number for SMS and voice calls, a DingTalk,
 *   WeCom or Feishu robot, an e-mail address, a webhook; with quiet hours for non-critical alerts;
 * - the centre's channels for a role (`/api/settings/notify/channels`): a supervisors' DingTalk
 *   group, told whenever the ladder reaches that role;
 * - the SMS and voice providers with their credentials (`/api/settings/notify/providers`), sealed
 *   and never shown again.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import { refusals } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import { uuidOr404 } from '../ids.ts';
import { IdParams } from '../schemas/common.ts';
import { validateConfig } from './providers/index.ts';
import {
  CentreChannel,
  CentreChannelInput,
  ChannelIdParams,
  ProviderBody,
  ProviderParams,
  ProviderSummary,
  RoleChannelInput,
  UserChannelParams,
} from './schemas.ts';
import type { Audience, ChannelTarget } from './store.ts';
import { checkChannel, maskedTarget } from './targets.ts';

const route = routeOptions('notifications');

const clock = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const minutesOf = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));

function shown(channel: ChannelTarget): CentreChannel {
  return {
    id: channel.id,
    audience: channel.audience as CentreChannel['audience'],
    userId: channel.user?.id ?? null,
    userName: channel.user?.displayName ?? null,
    kind: channel.kind,
    target: maskedTarget(channel.kind, channel.target),
    minSeverity: channel.minSeverity,
    enabled: channel.enabled,
    hasSecret: channel.secret !== null,
    quietFrom: channel.quiet ? clock(channel.quiet.from) : null,
    quietTo: channel.quiet ? clock(channel.quiet.to) : null,
  };
}

export const notifyRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app) => {
  const notifications = app.notifications;
  const records = notifications.records;

  async function add(audience: Exclude<Audience, 'family'>, userId: string | null, body: CentreChannelInput) {
    if ((body.quietFrom === undefined) !== (body.quietTo === undefined)) {
      throw badRequest('quiet hours need both quietFrom and quietTo');
    }
    const checked = checkChannel(notifications, body.kind, body.target, body.secret);
    const channel = await records.addCentreChannel({
      audience,
      userId,
      kind: body.kind,
      target: checked.target,
      secret: checked.storedSecret,
      minSeverity: body.minSeverity ?? 'low',
      enabled: body.enabled ?? true,
      quiet:
        body.quietFrom && body.quietTo
          ? { from: minutesOf(body.quietFrom), to: minutesOf(body.quietTo) }
          : null,
    });
    return { channel: shown(channel), secret: checked.shownSecret };
  }

  const Created = Type.Object({
    channel: CentreChannel,
    secret: Type.Union([Type.String(), Type.Null()], { description: "The webhook's key, shown this once" }),
  });

  async function staffOr404(rawId: string): Promise<string> {
    const id = uuidOr404(rawId, 'user');
    const user = await app.users.byId(id);
    if (!user || user.role === 'family') throw notFound('user');
    return id;
  }

  // ── one's own channels ───────────────────────────────────────────────────────────────────────
  app.get(
    '/api/me/channels',
    route('channels.own', {
      summary: 'Where the hub tells me of alerts the escalation ladder brings to me',
      response: { 200: Type.Array(CentreChannel), ...refusals(401, 403) },
    }),
    async (request) => (await records.staffChannels(request.user!.id)).map(shown),
  );

  app.post(
    '/api/me/channels',
    route('channels.own', {
      summary: 'Add a channel of my own: my mobile for SMS and calls, a robot, e-mail',
      body: CentreChannelInput,
      response: { 201: Created, ...refusals(400, 401, 403) },
    }),
    async (request, reply) => reply.code(201).send(await add('staff', request.user!.id, request.body)),
  );

  app.delete(
    '/api/me/channels/:channelId',
    route('channels.own', {
      summary: 'Remove a channel of mine (kept on record for the delivery log)',
      params: ChannelIdParams,
      response: { 204: Type.Null(), ...refusals(401, 403, 404) },
    }),
    async (request, reply) => {
      const channelId = uuidOr404(request.params.channelId, 'channel');
      if (!(await records.removeCentreChannel(channelId, request.user!.id))) throw notFound('channel');
      return reply.code(204).send(null);
    },
  );

  // ── a member of staff's channels, set by the administrator ─────────────────────────────────────
  app.get(
    '/api/users/:id/channels',
    route('users.manage', {
      summary: "A member of staff's channels",
      params: IdParams,
      response: { 200: Type.Array(CentreChannel), ...refusals(401, 403, 404) },
    }),
    async (request) => (await records.staffChannels(await staffOr404(request.params.id))).map(shown),
  );

  app.post(
    '/api/users/:id/channels',
    route('users.manage', {
      summary: 'Add a channel for a member of staff',
      params: IdParams,
      body: CentreChannelInput,
      response: { 201: Created, ...refusals(400, 401, 403, 404) },
    }),
    async (request, reply) =>
      reply.code(201).send(await add('staff', await staffOr404(request.params.id), request.body)),
  );

  app.delete(
    '/api/users/:id/channels/:channelId',
    route('users.manage', {
      summary: "Remove a member of staff's channel",
      params: UserChannelParams,
      response: { 204: Type.Null(), ...refusals(401, 403, 404) },
    }),
    async (request, reply) => {
      const userId = await staffOr404(request.params.id);
      const channelId = uuidOr404(request.params.channelId, 'channel');
      if (!(await records.removeCentreChannel(channelId, userId))) throw notFound('channel');
      return reply.code(204).send(null);
    },
  );

  // ── the centre's channels for a role ───────────────────────────────────────────────────────────
  app.get(
    '/api/settings/notify/channels',
    route('escalation.read', {
      summary: "The centre's channels for a role: told whenever the ladder reaches that role",
      response: { 200: Type.Array(CentreChannel), ...refusals(401, 403) },
    }),
    async () => (await records.roleChannels()).map(shown),
  );

  app.post(
    '/api/settings/notify/channels',
    route('escalation.manage', {
      summary: "Add a channel for a role (a supervisors' DingTalk group)",
      body: RoleChannelInput,
      response: { 201: Created, ...refusals(400, 401, 403) },
    }),
    async (request, reply) => {
      const { audience, ...body } = request.body;
      return reply.code(201).send(await add(audience, null, body));
    },
  );

  app.delete(
    '/api/settings/notify/channels/:channelId',
    route('escalation.manage', {
      summary: "Remove a role's channel",
      params: ChannelIdParams,
      response: { 204: Type.Null(), ...refusals(401, 403, 404) },
    }),
    async (request, reply) => {
      const channelId = uuidOr404(request.params.channelId, 'channel');
      const own = (await records.roleChannels()).some((channel) => channel.id === channelId);
      if (!own || !(await records.removeCentreChannel(channelId, null))) throw notFound('channel');
      return reply.code(204).send(null);
    },
  );

  // ── SMS and voice providers ────────────────────────────────────────────────────────────────────
  const providers = () => {
    if (!notifications.providers) throw notFound('provider settings');
    return notifications.providers;
  };

  app.get(
    '/api/settings/notify/providers',
    route('escalation.providers', {
      summary: "The centre's SMS and voice providers (which fields are set; never the secrets)",
      response: { 200: Type.Array(ProviderSummary), ...refusals(401, 403) },
    }),
    async () => providers().list(),
  );

  app.put(
    '/api/settings/notify/providers/:kind',
    route('escalation.providers', {
      summary:
        'Set up an SMS or voice provider (Alibaba Cloud, Tencent Cloud): credentials, template, priority',
      params: ProviderParams,
      body: ProviderBody,
      response: { 200: ProviderSummary, ...refusals(400, 401, 403) },
    }),
    async (request) => {
      const { kind } = request.params;
      const endpoint = request.body.config.endpoint;
      const host = typeof endpoint === 'string' && URL.canParse(endpoint) ? new URL(endpoint).hostname : null;
      const allowHttp = host && notifications.allowsPlainHttp(host) ? [host] : [];
      const reason = validateConfig(kind, request.body.config, { allowHttp });
      if (reason) throw badRequest(reason);
      return providers().set(
        kind,
        request.body.config as never,
        request.body.priority ?? 1,
        request.body.enabled ?? true,
        request.user!.id,
        new Date(),
      );
    },
  );

  app.delete(
    '/api/settings/notify/providers/:kind',
    route('escalation.providers', {
      summary: 'Remove an SMS or voice provider and its credentials',
      params: ProviderParams,
      response: { 204: Type.Null(), ...refusals(401, 403, 404) },
    }),
    async (request, reply) => {
      if (!(await providers().remove(request.params.kind))) throw notFound('provider');
      return reply.code(204).send(null);
    },
  );
};
