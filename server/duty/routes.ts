import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import { readErrors } from '../http/records.ts';
import { recordKinds, type SharedKind } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import { IdParams } from '../schemas/common.ts';
import {
  CoverageQuery,
  DutyCoverage,
  DutyNow,
  DutyShift,
  DutyShiftInput,
  HandoverInput,
  HandoverNote,
  RosterQuery,
} from '../schemas/duty.ts';
import { dutyCoverage } from './coverage.ts';

const route = routeOptions('duty');
/** What the area's kinds of record share; their writes declare the refusals of a read (no 409). */
const shared: SharedKind = { read: 'duty.read', write: 'duty.manage', errors: { write: readErrors } };

const DAY_MS = 86_400_000;

/** 24-hour duty (5.1.7): the roster, who is on duty now, and the hand-over between shifts. */
export const dutyRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const { duty } = app;

  const kind = recordKinds(app, route, shared);

  const rosterRecords = kind('/api/duty/roster', DutyShift);
  rosterRecords.list(
    { summary: 'Shifts overlapping a period (at most 62 days)', query: RosterQuery },
    async (query) => {
      const from = new Date(query.from);
      const to = new Date(query.to);
      if (!(from < to) || to.getTime() - from.getTime() > 62 * DAY_MS) {
        throw badRequest('from must be before to, at most 62 days apart');
      }
      return duty.shifts(from, to);
    },
  );
  rosterRecords.create(
    { summary: 'Put a staff member on the roster (supervisor)', body: DutyShiftInput },
    async (body) => {
      const startsAt = new Date(body.startsAt);
      const endsAt = new Date(body.endsAt);
      if (!(startsAt < endsAt) || endsAt.getTime() - startsAt.getTime() > DAY_MS) {
        throw badRequest('a shift ends after it starts and lasts at most 24 hours');
      }
      const user = await app.users.byId(body.userId).catch(() => null);
      if (!user || user.disabled || user.role === 'family')
        throw badRequest('userId names no active staff member');
      return duty.addShift({ userId: user.id, role: body.role ?? user.role, startsAt, endsAt });
    },
  );

  app.delete(
    '/api/duty/roster/:id',
    route('duty.manage', {
      summary: 'Take a shift off the roster (supervisor)',
      params: IdParams,
      response: { 204: Type.Null(), ...readErrors },
    }),
    async (request, reply) => {
      const removed = await duty.removeShift(request.params.id).catch(() => false);
      if (!removed) throw notFound('shift');
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/duty/coverage',
    route('duty.read', {
      summary:
        'The spans of the coming days with nobody on duty or no supervisor on the roster, so it can be completed in time',
      querystring: CoverageQuery,
      response: { 200: DutyCoverage, ...readErrors },
    }),
    async (request) => {
      const from = request.query.from ? new Date(request.query.from) : new Date();
      const to = new Date(from.getTime() + (request.query.days ?? 7) * DAY_MS);
      if (Number.isNaN(to.getTime())) throw badRequest('from is no time the calendar knows');
      return dutyCoverage(hub.db, from, to);
    },
  );

  app.get(
    '/api/duty/now',
    route('duty.read', {
      summary: 'Who is on duty, the last hand-over note, and the alerts carried over from earlier shifts',
      response: { 200: DutyNow, ...readErrors },
    }),
    async () => {
      const now = new Date();
      const onDuty = await duty.shifts(now, new Date(now.getTime() + 1));
      const [lastHandover] = await duty.notes(1);
      const active = await app.alerts.list({ status: 'active', limit: 500 });
      // The current shift began with the earliest shift on duty now, else with the last hand-over.
      const shiftStart = onDuty.length
        ? Math.min(...onDuty.map((shift) => Date.parse(shift.startsAt)))
        : lastHandover
          ? Date.parse(lastHandover.writtenAt)
          : now.getTime();
      return {
        onDuty,
        lastHandover: lastHandover ?? null,
        carriedOver: active.filter((alert) => Date.parse(alert.openedAt) < shiftStart),
        active,
      };
    },
  );

  const handoverRecords = kind('/api/duty/handover', HandoverNote, { write: 'duty.handover' });
  handoverRecords.list(
    {
      summary: 'Hand-over notes, newest first',
      query: Type.Object({
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
      }),
    },
    (query) => duty.notes(query.limit ?? 20),
  );
  handoverRecords.create(
    {
      summary: 'Write the hand-over note; the alerts still active are carried over with it',
      body: HandoverInput,
    },
    async (body, caller) => {
      const active = await app.alerts.list({ status: 'active', limit: 500 });
      return duty.addNote(
        caller.id,
        body.text,
        active.map((alert) => alert.id),
        new Date(),
      );
    },
  );
};
