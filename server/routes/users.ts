import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { hashPassword } from '../auth/secrets.ts';
import { conflict } from '../errors.ts';
import { isUniqueViolation } from '../records/rows.ts';
import { User } from '../schemas/auth.ts';
import { ErrorResponse } from '../schemas/common.ts';
import type { HubContext } from './context.ts';
import { requireRole } from './guard.ts';

const StaffRole = Type.Union([
  Type.Literal('admin'),
  Type.Literal('supervisor'),
  Type.Literal('operator'),
  Type.Literal('caseworker'),
]);

const NewStaff = Type.Object({
  username: Type.String({ pattern: '^[A-Za-z0-9._-]{2,64}$' }),
  displayName: Type.String({ minLength: 1, maxLength: 64 }),
  role: StaffRole,
  password: Type.String({ minLength: 8, maxLength: 256 }),
});

/** Staff accounts (5.2): the admin creates them; staff see who is who for assignment. */
export const userRoutes: FastifyPluginAsyncTypebox<{ hub: HubContext }> = async (app, { hub }) => {
  app.get(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Staff accounts',
        response: { 200: Type.Array(User), 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      requireRole(request, ['admin', 'supervisor', 'operator']);
      return hub.users.listStaff();
    },
  );

  app.post(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Create a staff account (admin)',
        body: NewStaff,
        response: {
          201: User,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      requireRole(request, ['admin']);
      const { password, ...fields } = request.body;
      try {
        const user = await hub.users.create({ ...fields, passwordHash: await hashPassword(password) });
        return reply.code(201).send(user);
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`username ${fields.username} is taken`);
        throw error;
      }
    },
  );
};
