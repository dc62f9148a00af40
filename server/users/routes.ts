import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { mayAccess } from '../access/policy.ts';
import { PASSWORD_MAX_LENGTH, passwordProblem } from '../auth/passwords.ts';
import { hashPassword } from '../auth/secrets.ts';
import type { AreaOptions } from '../context.ts';
import { badRequest, conflict, forbidden, notFound } from '../errors.ts';
import { readErrors, refusals } from '../http/records.ts';
import { recordRoutes } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import { uuidOr404 } from '../ids.ts';
import { User } from '../schemas/auth.ts';
import { ErrorResponse, IdParams, Literals } from '../schemas/common.ts';
import { isUniqueViolation } from '../store/rows.ts';

const route = routeOptions('users');

const StaffRole = Literals(['admin', 'supervisor', 'operator', 'caseworker']);

const Station = Type.Union([Type.String({ maxLength: 64 }), Type.Null()], {
  description: "A caseworker's station (站点), as written in the retirees' records; null: the whole centre",
});

const NewStaff = Type.Object({
  username: Type.String({ pattern: '^[A-Za-z0-9._-]{2,64}$' }),
  displayName: Type.String({ minLength: 1, maxLength: 64 }),
  role: StaffRole,
  password: Type.String({
    minLength: 1,
    maxLength: PASSWORD_MAX_LENGTH,
    description: 'At least 12 characters, not the username nor a common password',
  }),
  station: Type.Optional(Station),
});

const StaffUpdate = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    station: Type.Optional(Station),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** Trimmed; an empty station means none (the whole centre). */
function stationOf(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  const text = value.trim();
  return text === '' ? null : text;
}

/** Staff accounts (5.2): the admin creates them; staff see who is who for assignment. */
export const userRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const staffRecords = recordRoutes(app, route, {
    url: '/api/users',
    record: User,
    read: 'users.read',
    write: 'users.manage',
    errors: { write: readErrors },
  });
  staffRecords.list(
    {
      summary: 'Staff accounts (disabled ones too with includeDisabled=true, admin)',
      query: Type.Object({ includeDisabled: Type.Optional(Type.Boolean()) }),
      errors: refusals(401, 403),
    },
    async (query, caller) => {
      const includeDisabled = query.includeDisabled === true;
      // Disabled accounts are the business of whoever manages accounts.
      if (includeDisabled && !mayAccess('users.manage', caller.user.role)) throw forbidden();
      return app.users.listStaff({ includeDisabled });
    },
  );
  staffRecords.create(
    { summary: 'Create a staff account (admin)', body: NewStaff, errors: refusals(400, 401, 403, 409) },
    async (body) => {
      const { password, station, ...fields } = body;
      const problem = passwordProblem(password, fields.username);
      if (problem) throw badRequest(`password: ${problem}`);
      try {
        return await app.users.create({
          ...fields,
          station: stationOf(station),
          passwordHash: await hashPassword(password),
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`username ${fields.username} is taken`);
        throw error;
      }
    },
  );
  staffRecords.on(
    '',
    {
      summary: "Change a staff member's display name or station (admin)",
      body: StaffUpdate,
      method: 'patch',
    },
    async (id, body) => {
      const updated = await app.users.updateStaff(uuidOr404(id, 'user'), {
        displayName: body.displayName?.trim(),
        station: stationOf(body.station),
      });
      if (!updated) throw notFound('user');
      return updated;
    },
  );

  for (const action of ['disable', 'enable'] as const) {
    staffRecords.on(
      action,
      {
        summary:
          action === 'disable'
            ? 'Disable a staff account (admin): it cannot sign in, its sessions and live connections end now'
            : 'Enable a disabled staff account again (admin)',
      },
      async (rawId, _, caller) => {
        const id = uuidOr404(rawId, 'user');
        if (action === 'disable' && id === caller.id) throw forbidden('不能停用自己的账号');
        const user = await hub.sessions.setDisabled(id, action === 'disable');
        if (!user) throw notFound('user');
        return user;
      },
    );
  }

  app.post(
    '/api/users/:id/totp/reset',
    route('users.manage', {
      summary: "Remove a staff member's TOTP second factor (admin; a lost phone): their sessions end",
      params: IdParams,
      response: { 204: Type.Null(), 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
    }),
    async (request, reply) => {
      const id = uuidOr404(request.params.id, 'user');
      if (!(await hub.sessions.resetTotp(id))) throw notFound('user');
      return reply.code(204).send(null);
    },
  );
};
