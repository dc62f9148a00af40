import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import { refusals } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import { ErrorResponse } from '../schemas/common.ts';
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
};
