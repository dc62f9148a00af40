/** Living treatment (6.3 生活待遇): staff read; caseworkers, supervisors and admins write. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { BenefitService, type Clock } from '../benefits/service.ts';
import { unauthorized } from '../errors.ts';
import type { Role } from '../schemas/auth.ts';
import {
  Benefit,
  BenefitApproval,
  BenefitCard,
  BenefitInput,
  BenefitQuery,
  BenefitRejection,
  BenefitStop,
  CardInput,
  CardQuery,
  CardReturn,
  PaymentInput,
} from '../schemas/benefits.ts';
import { ErrorResponse, IdParams } from '../schemas/common.ts';
import type { HubContext } from './context.ts';
import { requireRole } from './guard.ts';

const READ: Role[] = ['admin', 'supervisor', 'operator', 'caseworker'];
const WRITE: Role[] = ['admin', 'supervisor', 'caseworker'];
const tags = ['benefits'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const writeErrors = { ...errors, 409: ErrorResponse };

export const benefitRoutes: FastifyPluginAsyncTypebox<{ hub: HubContext; clock?: Clock }> = async (
  app,
  { hub, clock },
) => {
  const benefits = new BenefitService(hub.db, clock);
  const userId = (request: { user: { id: string } | null }) => {
    if (!request.user) throw unauthorized();
    return request.user.id;
  };

  app.get(
    '/api/benefits',
    {
      schema: {
        tags,
        summary: 'Benefits (护理费, 遗属生活补助, 伙食补助), newest first',
        querystring: BenefitQuery,
        response: { 200: Type.Array(Benefit), ...errors },
      },
    },
    async (request) => {
      requireRole(request, READ);
      return benefits.list(request.query);
    },
  );

  app.post(
    '/api/benefits',
    {
      schema: {
        tags,
        summary: 'File an application (申报, 6.3.2.6)',
        body: BenefitInput,
        response: { 201: Benefit, ...writeErrors },
      },
    },
    async (request, reply) => {
      requireRole(request, WRITE);
      return reply.code(201).send(await benefits.apply(request.body, userId(request)));
    },
  );

  app.get(
    '/api/benefits/:id',
    {
      schema: {
        tags,
        summary: 'One benefit with its steps and payments',
        params: IdParams,
        response: { 200: Benefit, ...errors },
      },
    },
    async (request) => {
      requireRole(request, READ);
      return benefits.get(request.params.id);
    },
  );

  app.post(
    '/api/benefits/:id/approve',
    {
      schema: {
        tags,
        summary: 'Approve an application; 409 unless applied',
        params: IdParams,
        body: BenefitApproval,
        response: { 200: Benefit, ...writeErrors },
      },
    },
    async (request) => {
      requireRole(request, WRITE);
      return benefits.approve(request.params.id, request.body, userId(request));
    },
  );

  app.post(
    '/api/benefits/:id/reject',
    {
      schema: {
        tags,
        summary: 'Refuse an application, with the reason; 409 unless applied',
        params: IdParams,
        body: BenefitRejection,
        response: { 200: Benefit, ...writeErrors },
      },
    },
    async (request) => {
      requireRole(request, WRITE);
      return benefits.reject(request.params.id, request.body, userId(request));
    },
  );

  app.post(
    '/api/benefits/:id/payments',
    {
      schema: {
        tags,
        summary:
          'Record a payment for a period (amount in fen); 409 unless approved or paid, or when the period is paid',
        params: IdParams,
        body: PaymentInput,
        response: { 200: Benefit, ...writeErrors },
      },
    },
    async (request) => {
      requireRole(request, WRITE);
      return benefits.pay(request.params.id, request.body, userId(request));
    },
  );

  app.post(
    '/api/benefits/:id/stop',
    {
      schema: {
        tags,
        summary: 'Stop a benefit (停发) with its reason; 409 when rejected or already stopped',
        params: IdParams,
        body: BenefitStop,
        response: { 200: Benefit, ...writeErrors },
      },
    },
    async (request) => {
      requireRole(request, WRITE);
      return benefits.stop(request.params.id, request.body, userId(request));
    },
  );

  app.get(
    '/api/benefit-cards',
    {
      schema: {
        tags,
        summary: 'Preferential cards (优待证, 乘车证) held, expired and returned (6.3.2.3)',
        querystring: CardQuery,
        response: { 200: Type.Array(BenefitCard), ...errors },
      },
    },
    async (request) => {
      requireRole(request, READ);
      return benefits.cards(request.query);
    },
  );

  app.post(
    '/api/benefit-cards',
    {
      schema: {
        tags,
        summary: 'Record a card issued; 409 while the same kind is held',
        body: CardInput,
        response: { 201: BenefitCard, ...writeErrors },
      },
    },
    async (request, reply) => {
      requireRole(request, WRITE);
      return reply.code(201).send(await benefits.issueCard(request.body, userId(request)));
    },
  );

  app.post(
    '/api/benefit-cards/:id/return',
    {
      schema: {
        tags,
        summary: 'Record a card returned, with the reason',
        params: IdParams,
        body: CardReturn,
        response: { 200: BenefitCard, ...writeErrors },
      },
    },
    async (request) => {
      requireRole(request, WRITE);
      return benefits.returnCard(request.params.id, request.body);
    },
  );
};
