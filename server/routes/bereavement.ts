/** After death (6.10 逝世善后服务): staff read; caseworkers, supervisors and admins write. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { BereavementService, type Clock } from '../bereavement/service.ts';
import { unauthorized } from '../errors.ts';
import type { Role } from '../schemas/auth.ts';
import { BereavementStepUpdate, Death, DeathInput, DeathQuery, DeathResult } from '../schemas/bereavement.ts';
import { ErrorResponse, IdParams } from '../schemas/common.ts';
import { benefitRoutes } from './benefits.ts';
import { careRoutes } from './care.ts';
import type { HubContext } from './context.ts';
import { requireRole } from './guard.ts';

const READ: Role[] = ['admin', 'supervisor', 'operator', 'caseworker'];
const WRITE: Role[] = ['admin', 'supervisor', 'caseworker'];
const tags = ['bereavement'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const writeErrors = { ...errors, 409: ErrorResponse };

export const bereavementRoutes: FastifyPluginAsyncTypebox<{ hub: HubContext; clock?: Clock }> = async (
  app,
  { hub, clock },
) => {
  const bereavement = new BereavementService(hub.db, clock);
  const userId = (request: { user: { id: string } | null }) => {
    if (!request.user) throw unauthorized();
    return request.user.id;
  };

  app.get(
    '/api/bereavement',
    {
      schema: {
        tags,
        summary: 'Deaths recorded with their checklists, latest first',
        querystring: DeathQuery,
        response: { 200: Type.Array(Death), ...errors },
      },
    },
    async (request) => {
      requireRole(request, READ);
      return bereavement.list(request.query);
    },
  );

  app.post(
    '/api/bereavement',
    {
      schema: {
        tags,
        summary:
          'Record a death: opens the checklist of 6.10, marks the retiree deceased (nothing deleted), stops the living benefits (reason death), ends the care arrangement, opens the survivor subsidy for the survivor named; 409 when already recorded',
        body: DeathInput,
        response: { 201: DeathResult, ...writeErrors },
      },
    },
    async (request, reply) => {
      requireRole(request, WRITE);
      return reply.code(201).send(await bereavement.record(request.body, userId(request)));
    },
  );

  app.get(
    '/api/bereavement/:id',
    {
      schema: {
        tags,
        summary: 'One death and its checklist',
        params: IdParams,
        response: { 200: Death, ...errors },
      },
    },
    async (request) => {
      requireRole(request, READ);
      return bereavement.get(request.params.id);
    },
  );

  app.patch(
    '/api/bereavement/steps/:id',
    {
      schema: {
        tags,
        summary:
          'Assign, move, or close a step (done with its date, or not applicable with a note); 409 once closed',
        params: IdParams,
        body: BereavementStepUpdate,
        response: { 200: Death, ...writeErrors },
      },
    },
    async (request) => {
      requireRole(request, WRITE);
      return bereavement.updateStep(request.params.id, request.body, userId(request));
    },
  );
};

/** 6.3, 6.7 and 6.10 together, registered by the app in one line. */
export const livingCareAfterDeathRoutes: FastifyPluginAsyncTypebox<{
  hub: HubContext;
  clock?: Clock;
}> = async (app, options) => {
  await app.register(benefitRoutes, options);
  await app.register(careRoutes, options);
  await app.register(bereavementRoutes, options);
};
