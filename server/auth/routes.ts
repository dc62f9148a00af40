import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { bearerToken } from '../access/guard.ts';
import type { AreaOptions } from '../context.ts';
import { unauthorized } from '../errors.ts';
import { refusals } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import {
  EnrolmentBody,
  EnrolmentConfirmBody,
  LoginBody,
  LoginChallenge,
  LoginResponse,
  PasswordChangeBody,
  TotpCodeBody,
  TotpSetup,
  User,
} from '../schemas/auth.ts';
import { ErrorResponse, Nullable } from '../schemas/common.ts';
import { type LoginOutcome, SESSION_COOKIE } from './sessions.ts';

const route = routeOptions('auth');

/** A session answer: the bearer token in the body, and the same token as an HttpOnly cookie. */
function sendSession(reply: FastifyReply, session: LoginOutcome & { kind: 'session' }) {
  reply.setCookie(SESSION_COOKIE, session.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: reply.request.protocol === 'https',
    expires: session.expiresAt,
  });
  return { token: session.token, expiresAt: session.expiresAt.toISOString(), user: session.user };
}

export const authRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  app.post(
    '/api/auth/login',
    route('public', {
      summary: 'Sign in; returns a bearer token and sets the session cookie',
      description:
        'With a TOTP second factor, send its code as `totp` (401 `totp_required` asks for it). An admin ' +
        'without TOTP gets 401 `totp_enrolment_required` with an `enrolmentToken` for /api/auth/enrolment. ' +
        'Too many failures answer 429 with Retry-After.',
      body: LoginBody,
      response: {
        200: LoginResponse,
        400: ErrorResponse,
        401: LoginChallenge,
        429: ErrorResponse,
      },
    }),
    async (request, reply) => {
      const { username, password, totp } = request.body;
      const outcome = await hub.sessions.login(username, password, totp, request.ip);
      if (outcome.kind === 'session') return sendSession(reply, outcome);
      if (outcome.retryAfterSeconds !== undefined)
        reply.header('retry-after', String(outcome.retryAfterSeconds));
      return reply.code(outcome.status).send({
        error: outcome.error,
        message: outcome.message,
        ...(outcome.enrolmentToken
          ? {
              enrolmentToken: outcome.enrolmentToken,
              enrolmentExpiresAt: outcome.enrolmentExpiresAt?.toISOString(),
            }
          : {}),
      });
    },
  );

  app.post(
    '/api/auth/enrolment/totp',
    route('public', {
      summary: 'An admin without TOTP, before the first session: a new secret, shown once',
      body: EnrolmentBody,
      response: { 200: TotpSetup, 400: ErrorResponse, 401: ErrorResponse, 409: ErrorResponse },
    }),
    async (request) => {
      const user = await hub.sessions.enrolmentUser(request.body.enrolmentToken);
      return hub.sessions.beginTotp(user.id);
    },
  );

  app.post(
    '/api/auth/enrolment/confirm',
    route('public', {
      summary: 'Confirms the enrolment with a code from the app; answers with a session',
      body: EnrolmentConfirmBody,
      response: { 200: LoginResponse, 400: ErrorResponse, 401: ErrorResponse, 409: ErrorResponse },
    }),
    async (request, reply) => {
      const session = await hub.sessions.confirmEnrolment(request.body.enrolmentToken, request.body.code);
      return sendSession(reply, session);
    },
  );

  app.get(
    '/api/auth/me',
    route('account.own', { summary: 'The signed-in user', response: { 200: User, 401: ErrorResponse } }),
    async (request) => {
      if (!request.user) throw unauthorized();
      return request.user;
    },
  );

  app.get(
    '/api/auth/session',
    // Asked by the dashboard after every load, signed in or not: "nobody" is an answer, not a
    // refusal (no 401, so no audit entry), and the token stays in its HttpOnly cookie.
    route('public', {
      summary: 'Who the session (cookie or bearer token) signs in, or null; never 401',
      response: { 200: Type.Object({ user: Nullable(User) }) },
    }),
    async (request) => ({ user: await hub.sessions.userFor(bearerToken(request)) }),
  );

  app.post(
    '/api/auth/password',
    route('account.own', {
      summary: 'Change my password (at least 12 characters, not the username); my other sessions end',
      body: PasswordChangeBody,
      response: { 204: Type.Null(), 400: ErrorResponse, 401: ErrorResponse },
    }),
    async (request, reply) => {
      if (!request.user) throw unauthorized();
      await hub.sessions.changePassword(
        request.user.id,
        bearerToken(request) ?? '',
        request.body.currentPassword,
        request.body.newPassword,
      );
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/auth/totp',
    route('account.own', {
      summary: 'Start enrolling my TOTP second factor: a new secret and otpauth:// URI, shown once',
      response: { 200: TotpSetup, 401: ErrorResponse, 403: ErrorResponse, 409: ErrorResponse },
    }),
    async (request) => {
      if (!request.user) throw unauthorized();
      return hub.sessions.beginTotp(request.user.id);
    },
  );

  // The two steps of my own second factor that a current code proves.
  const totpSteps = [
    {
      url: '/api/auth/totp/confirm',
      summary: 'Confirm my TOTP enrolment with a code from the app; from now on sign-in asks for it',
      take: (userId: string, code: string) => hub.sessions.confirmTotp(userId, code),
    },
    {
      url: '/api/auth/totp/disable',
      summary:
        'Remove my TOTP second factor, proven with a current code (not for admins while it is required)',
      take: (userId: string, code: string) => hub.sessions.disableOwnTotp(userId, code),
    },
  ];
  for (const { url, summary, take } of totpSteps) {
    app.post(
      url,
      route('account.own', {
        summary,
        body: TotpCodeBody,
        response: { 204: Type.Null(), ...refusals(400, 401, 403, 409) },
      }),
      async (request, reply) => {
        if (!request.user) throw unauthorized();
        await take(request.user.id, request.body.code);
        return reply.code(204).send(null);
      },
    );
  }

  app.post(
    '/api/auth/logout',
    route('account.own', {
      summary: 'Sign out: the token stops working and its live connection closes',
      response: { 204: Type.Null(), 401: ErrorResponse },
    }),
    async (request, reply) => {
      const token = bearerToken(request);
      if (token) await hub.sessions.logout(token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );
};
