import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AreaOptions } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import { refusals } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import { uuidOr404 } from '../ids.ts';
import { tileDevices } from '../retirees/wall-store.ts';
import { ErrorResponse, IdParams } from '../schemas/common.ts';
import {
  Retiree,
  RetireeInput,
  RetireeSummary,
  RetireeUpdate,
  VitalsQuery,
  VitalsResponse,
} from '../schemas/retirees.ts';
import { publicDevice } from '../store/devices.ts';
import { assertInScope, scopeOf } from '../store/scope.ts';

const route = routeOptions('retirees');

const DAY_MS = 86_400_000;
/** At most this many points per chart: wider periods get wider buckets. */
const MAX_POINTS = 1500;

export const retireeRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const { wall } = app;
  /** The retiree of `:id` when the user may see them (a caseworker: their station's); 404 otherwise. */
  const scopedRetiree = async (request: FastifyRequest & { params: { id: string } }) => {
    const id = uuidOr404(request.params.id, 'retiree');
    await assertInScope(hub.db, scopeOf(request.user!), id);
    return id;
  };

  app.get(
    '/api/retirees',
    route('retirees.read', {
      summary: 'The live wall: every retiree with latest heart rate, devices and open alerts',
      response: { 200: Type.Array(RetireeSummary), 401: ErrorResponse },
    }),
    async (request) => {
      const [retirees, devices, openAlerts] = await Promise.all([
        app.retirees.list(scopeOf(request.user!).station),
        wall.devicesOf(null),
        app.alerts.activeCountByRetiree(),
      ]);
      const devicesOf = tileDevices(devices, (id, stored) => app.deviceState.latest(id, stored));
      return retirees.map((retiree) => ({
        id: retiree.id,
        name: retiree.name,
        gender: retiree.gender,
        birthDate: retiree.birthDate,
        address: retiree.address,
        ...devicesOf(retiree.id),
        openAlerts: openAlerts.get(retiree.id) ?? 0,
      }));
    },
  );

  app.post(
    '/api/retirees',
    route('retirees.write', {
      summary: 'Register a retiree with emergency contacts',
      body: RetireeInput,
      response: { 201: Retiree, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
    }),
    async (request, reply) => {
      const { hrLow, hrHigh } = request.body;
      if (typeof hrLow === 'number' && typeof hrHigh === 'number' && hrLow >= hrHigh) {
        throw badRequest('hrLow must be below hrHigh');
      }
      const retiree = await app.retirees.create(request.body);
      app.directory.putRetiree(retiree.id, {
        low: retiree.hrLow,
        high: retiree.hrHigh,
        spo2Low: retiree.spo2Low,
      });
      return reply.code(201).send({ ...retiree, hrRange: app.directory.rangeOf(retiree) });
    },
  );

  app.get(
    '/api/retirees/:id',
    route('retirees.read', {
      retiree: 'path',
      summary: 'One retiree with contacts',
      params: IdParams,
      response: { 200: Retiree, 401: ErrorResponse, 404: ErrorResponse },
    }),
    async (request) => {
      const retiree = await app.retirees.byId(await scopedRetiree(request));
      if (!retiree) throw notFound('retiree');
      return { ...retiree, hrRange: app.directory.rangeOf(retiree) };
    },
  );

  app.patch(
    '/api/retirees/:id',
    route('retirees.write', {
      retiree: 'path',
      summary:
        "Change a retiree's details or alert thresholds (heart rate, SpO2); null returns a threshold to the centre's",
      params: IdParams,
      body: RetireeUpdate,
      response: {
        200: Retiree,
        ...refusals(400, 401, 403, 404),
      },
    }),
    async (request) => {
      const id = await scopedRetiree(request);
      const current = await app.retirees.byId(id);
      if (!current) throw notFound('retiree');
      const low = request.body.hrLow === undefined ? current.hrLow : request.body.hrLow;
      const high = request.body.hrHigh === undefined ? current.hrHigh : request.body.hrHigh;
      if (typeof low === 'number' && typeof high === 'number' && low >= high) {
        throw badRequest('hrLow must be below hrHigh');
      }
      await app.retirees.update(id, request.body, request.user!.id);
      const retiree = await app.retirees.byId(id);
      if (!retiree) throw notFound('retiree');
      app.directory.putRetiree(id, { low: retiree.hrLow, high: retiree.hrHigh, spo2Low: retiree.spo2Low });
      return { ...retiree, hrRange: app.directory.rangeOf(retiree) };
    },
  );

  app.get(
    '/api/retirees/:id/devices',
    route('retirees.read', {
      retiree: 'path',
      summary: "A retiree's devices",
      params: IdParams,
      response: { 200: Type.Array(Type.Any()), 401: ErrorResponse, 404: ErrorResponse },
    }),
    async (request) => {
      const id = await scopedRetiree(request);
      return (await app.devices.byRetiree(id)).map(publicDevice);
    },
  );

  app.get(
    '/api/retirees/:id/vitals',
    route('retirees.read', {
      retiree: 'path',
      summary: 'A time series from the telemetry store (default: heart rate over the last 24 hours)',
      params: IdParams,
      querystring: VitalsQuery,
      response: { 200: VitalsResponse, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
    }),
    async (request) => {
      const id = await scopedRetiree(request);
      if (!(await app.retirees.byId(id))) throw notFound('retiree');
      const field = request.query.field ?? 'hr';
      const to = request.query.to ? Date.parse(request.query.to) : Date.now();
      const from = request.query.from ? Date.parse(request.query.from) : to - DAY_MS;
      if (!(from < to)) throw badRequest('from must be before to');
      if (to - from > 400 * DAY_MS) throw badRequest('at most 400 days at once');
      const minimumEvery = Math.ceil((to - from) / MAX_POINTS / 1000);
      const every = request.query.every ?? Math.max(60, minimumEvery);
      const points = await app.telemetry.querySeries({
        retireeId: id,
        field,
        from,
        to,
        every: Math.max(every, every === 0 ? 0 : minimumEvery) * 1000,
      });
      return {
        retireeId: id,
        field,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        every,
        points: points
          .slice(0, 20_000)
          .map((point) => ({ ts: new Date(point.ts).toISOString(), value: point.value })),
      };
    },
  );
};
