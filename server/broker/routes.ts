/**
 * The HTTP hooks EMQX calls when the devices connect to an EMQX cluster instead of the hub's own
 * broker, answering as EMQX's documentation asks (docs.emqx.com, "Use HTTP Service" under
 * authentication and authorization, EMQX 5):
 *
 * - `POST /api/broker/emqx/authn` at each CONNECT, with the client id, username, password and peer
 *   host: `{"result": "allow" | "deny", "is_superuser": false}`, and with `allow` the device's
 *   access list (`acl`, EMQX ≥ 5.8: its own topics, nothing else) and `client_attrs` (its type).
 * - `POST /api/broker/emqx/authz` at each publish and subscribe, for EMQX versions that do not take
 *   the access list at CONNECT: `{"result": "allow" | "deny"}`.
 *
 * A hook never answers `ignore`, which would let EMQX try the next authenticator (or allow all).
 * EMQX sends the hub's token (`Authorization: Bearer <HUB_EMQX_HOOK_TOKEN>`); without the setting
 * the hooks do not exist (404). The rules are the embedded broker's (gateway/broker/external-auth.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AreaOptions } from '../context.ts';
import { notFound, unauthorized } from '../errors.ts';
import { refusals } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import { bearerOf, sameSecret } from '../security/system-access.ts';

const route = routeOptions('broker');

const text = (description: string, maxLength = 512) => Type.String({ maxLength, description });

const AuthnRequest = Type.Object({
  clientid: text('EMQX placeholder clientid', 256),
  username: Type.Optional(text('EMQX placeholder username', 256)),
  password: Type.Optional(text('EMQX placeholder password', 1024)),
  peerhost: Type.Optional(text('EMQX placeholder peerhost', 64)),
});

const AccessRule = Type.Object({
  permission: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
  action: Type.Union([Type.Literal('publish'), Type.Literal('subscribe'), Type.Literal('all')]),
  topic: Type.String(),
  retain: Type.Optional(Type.Boolean()),
});

const AuthnAnswer = Type.Object({
  result: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
  is_superuser: Type.Boolean(),
  client_attrs: Type.Optional(Type.Record(Type.String(), Type.String())),
  acl: Type.Optional(Type.Array(AccessRule)),
});

const AuthzRequest = Type.Object({
  clientid: text('EMQX placeholder clientid', 256),
  username: Type.Optional(text('EMQX placeholder username', 256)),
  action: Type.Union([Type.Literal('publish'), Type.Literal('subscribe')], {
    description: 'EMQX placeholder action',
  }),
  topic: text('EMQX placeholder topic', 1024),
  qos: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 2 }), Type.String({ maxLength: 1 })])),
  retain: Type.Optional(Type.Union([Type.Boolean(), Type.String({ maxLength: 5 })])),
});

const AuthzAnswer = Type.Object({ result: Type.Union([Type.Literal('allow'), Type.Literal('deny')]) });

/** EMQX fills `${retain}` as true/false; a template may quote it. */
const flag = (value: boolean | string | undefined) => value === true || value === 'true';
/** An empty placeholder is no value. */
const given = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

export const brokerRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app) => {
  const external = app.externalBroker;
  /** The hooks answer EMQX only; without the setting they are not there. */
  const checkCaller = (request: FastifyRequest) => {
    if (!external) throw notFound('an external broker hook');
    if (!sameSecret(bearerOf(request) ?? '', external.token))
      throw unauthorized('the broker hook token is missing or wrong');
    return external.auth;
  };

  app.post(
    '/api/broker/emqx/authn',
    route('public', {
      summary: 'EMQX asks whether a CONNECT may go on (HTTP authentication); with allow, the access list',
      body: AuthnRequest,
      response: { 200: AuthnAnswer, ...refusals(400, 401, 404) },
    }),
    async (request) => {
      const auth = checkCaller(request);
      const { clientid, username, password, peerhost } = request.body;
      const verdict = await auth.connect({
        clientId: clientid,
        username: given(username),
        password: given(password),
        address: given(peerhost),
      });
      if (!verdict.allow) return { result: 'deny' as const, is_superuser: false };
      return {
        result: 'allow' as const,
        is_superuser: false,
        client_attrs: { device_type: verdict.type },
        acl: verdict.rules,
      };
    },
  );

  app.post(
    '/api/broker/emqx/authz',
    route('public', {
      summary: 'EMQX asks whether a client may publish to or subscribe to a topic (HTTP authorization)',
      body: AuthzRequest,
      response: { 200: AuthzAnswer, ...refusals(400, 401, 404) },
    }),
    async (request) => {
      const auth = checkCaller(request);
      const { clientid, username, action, topic, retain } = request.body;
      const decision = auth.authorize({
        clientId: clientid,
        username: given(username),
        action,
        topic,
        retain: flag(retain),
      });
      return { result: decision.allow ? ('allow' as const) : ('deny' as const) };
    },
  );
};
