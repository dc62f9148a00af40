/** Elderly care (6.7 养老服务): staff read; caseworkers, supervisors and admins write. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CareService, type Clock } from '../care/service.ts';
import { unauthorized } from '../errors.ts';
import type { Role } from '../schemas/auth.ts';
import {
  CareArrangement,
  CareArrangementEnd,
  CareArrangementInput,
  CareArrangementQuery,
  CareVisit,
  CareVisitInput,
  CareVisitQuery,
} from '../schemas/care.ts';
import { ErrorResponse, IdParams } from '../schemas/common.ts';
import type { HubContext } from './context.ts';
import { requireRole } from './guard.ts';

const READ: Role[] = ['admin', 'supervisor', 'operator', 'caseworker'];
const WRITE: Role[] = ['admin', 'supervisor', 'caseworker'];
const tags = ['care'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const writeErrors = { ...errors, 409: ErrorResponse };

export const careRoutes: FastifyPluginAsyncTypebox<{ hub: HubContext; clock?: Clock }> = async (
  app,
  { hub, clock },
) => {
  const care = new CareService(hub.db, clock);
  const userId = (request: { user: { id: string } | null }) => {
    if (!request.user) throw unauthorized();
    return request.user.id;
  };

  app.get(
    '/api/care/arrangements',
    {
      schema: {
        tags,
        summary: 'Care arrangements (居家 / 社区 / 机构)',
        querystring: CareArrangementQuery,
        response: { 200: Type.Array(CareArrangement), ...errors },
      },
    },
    async (request) => {
      requireRole(request, READ);
      return care.arrangements(request.query);
    },
  );

  app.post(
    '/api/care/arrangements',
    {
      schema: {
        tags,
        summary: 'A new care arrangement; 409 while another is current for the retiree',
        body: CareArrangementInput,
        response: { 201: CareArrangement, ...writeErrors },
      },
    },
    async (request, reply) => {
      requireRole(request, WRITE);
      return reply.code(201).send(await care.create(request.body, userId(request)));
    },
  );

  app.get(
    '/api/care/arrangements/:id',
    {
      schema: {
        tags,
        summary: 'One care arrangement',
        params: IdParams,
        response: { 200: CareArrangement, ...errors },
      },
    },
    async (request) => {
      requireRole(request, READ);
      return care.arrangement(request.params.id);
    },
  );

  app.post(
    '/api/care/arrangements/:id/end',
    {
      schema: {
        tags,
        summary: 'End the current arrangement, with the reason; 409 when already ended',
        params: IdParams,
        body: CareArrangementEnd,
        response: { 200: CareArrangement, ...writeErrors },
      },
    },
    async (request) => {
      requireRole(request, WRITE);
      return care.end(request.params.id, request.body, userId(request));
    },
  );

  app.get(
    '/api/care/visits',
    {
      schema: {
        tags,
        summary: 'The care-visit log (走访探视, 6.7.2.2), newest first',
        querystring: CareVisitQuery,
        response: { 200: Type.Array(CareVisit), ...errors },
      },
    },
    async (request) => {
      requireRole(request, READ);
      return care.visits(request.query);
    },
  );

  app.post(
    '/api/care/visits',
    {
      schema: {
        tags,
        summary: 'Record a care visit within an arrangement (not in the future)',
        body: CareVisitInput,
        response: { 201: CareVisit, ...writeErrors },
      },
    },
    async (request, reply) => {
      requireRole(request, WRITE);
      return reply.code(201).send(await care.recordVisit(request.body, userId(request)));
    },
  );
};
