import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import { unauthorized } from '../errors.ts';
import { refusals } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { Deadline, DeadlineChange } from '../schemas/deadlines.ts';
import { EscalationLadderBody, EscalationStep } from '../schemas/escalation.ts';

const route = routeOptions('settings');

/** The centre's settings that staff change at run time. */
export const settingsRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app) => {
  app.get(
    '/api/settings/escalation',
    route('escalation.read', {
      summary: "The centre's escalation ladder for unacknowledged alerts",
      response: { 200: Type.Array(EscalationStep), 401: ErrorResponse, 403: ErrorResponse },
    }),
    async () => {
      return app.escalation.steps();
    },
  );

  app.put(
    '/api/settings/escalation',
    route('escalation.manage', {
      summary: 'Replace the escalation ladder (admin, supervisor)',
      body: EscalationLadderBody,
      response: {
        200: Type.Array(EscalationStep),
        ...refusals(400, 401, 403),
      },
    }),
    async (request) => {
      return app.escalation.setSteps(request.body.steps);
    },
  );

  app.get(
    '/api/settings/deadlines',
    route('deadlines.read', {
      summary:
        "The centre's deadlines (时限): days for replies, approvals, test presses and each procedure's steps",
      response: { 200: Type.Array(Deadline), 401: ErrorResponse, 403: ErrorResponse },
    }),
    async () => {
      return app.deadlines.list();
    },
  );

  app.put(
    '/api/settings/deadlines/:key',
    route('deadlines.manage', {
      summary:
        'Change one deadline (admin, supervisor): days, or days of some steps. Due dates stored on records keep theirs; what the work list reckons follows at once',
      params: Type.Object({ key: Type.String({ maxLength: 64 }) }),
      body: DeadlineChange,
      response: { 200: Deadline, ...refusals(400, 401, 403, 404) },
    }),
    async (request) => {
      if (!request.user) throw unauthorized();
      return app.deadlines.set(request.params.key, request.body.value, request.user.id);
    },
  );
};
