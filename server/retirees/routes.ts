import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import { refusals } from '../http/records.ts';
import { type Caller, recordRoutes } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import { uuidOr404 } from '../ids.ts';
import { tileDevices } from '../retirees/wall-store.ts';
import {
  Retiree,
  RetireeInput,
  RetireeSummary,
  RetireeUpdate,
  VitalsQuery,
  VitalsResponse,
} from '../schemas/retirees.ts';
import { publicDevice } from '../store/devices.ts';
import { assertInScope } from '../store/scope.ts';

const route = routeOptions('retirees');

const DAY_MS = 86_400_000;
/** At most this many points per chart: wider periods get wider buckets. */
const MAX_POINTS = 1500;

export const retireeRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const { wall } = app;
  /** The retiree of `:id` when the user may see them (a caseworker: their station's); 404 otherwise. */
  const scopedRetiree = async (rawId: string, caller: Caller) => {
    const id = uuidOr404(rawId, 'retiree');
    await assertInScope(hub.db, caller.scope, id);
    return id;
  };

  const retireeRecords = recordRoutes(app, route, {
    url: '/api/retirees',
    record: Retiree,
    read: 'retirees.read',
    write: 'retirees.write',
    retiree: 'path',
    errors: { read: refusals(401, 404), write: refusals(400, 401, 403, 404) },
  });
  retireeRecords.list(
    {
      summary: 'The live wall: every retiree with latest heart rate, devices and open alerts',
      answer: Type.Array(RetireeSummary),
      errors: refusals(401),
    },
    async (_, caller) => {
      const [retirees, devices, openAlerts] = await Promise.all([
        app.retirees.list(caller.scope.station),
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
  retireeRecords.create(
    {
      summary: 'Register a retiree with emergency contacts',
      body: RetireeInput,
      errors: refusals(400, 401, 403),
    },
    async (body) => {
      const { hrLow, hrHigh } = body;
      if (typeof hrLow === 'number' && typeof hrHigh === 'number' && hrLow >= hrHigh) {
        throw badRequest('hrLow must be below hrHigh');
      }
      const retiree = await app.retirees.create(body);
      app.directory.putRetiree(retiree.id, {
        low: retiree.hrLow,
        high: retiree.hrHigh,
        spo2Low: retiree.spo2Low,
      });
      return { ...retiree, hrRange: app.directory.rangeOf(retiree) };
    },
  );
  retireeRecords.one('One retiree with contacts', async (rawId, caller) => {
    const retiree = await app.retirees.byId(await scopedRetiree(rawId, caller));
    if (!retiree) throw notFound('retiree');
    return { ...retiree, hrRange: app.directory.rangeOf(retiree) };
  });
  retireeRecords.on(
    '',
    {
      summary:
        "Change a retiree's details or alert thresholds (heart rate, SpO2); null returns a threshold to the centre's",
      body: RetireeUpdate,
      method: 'patch',
    },
    async (rawId, body, caller) => {
      const id = await scopedRetiree(rawId, caller);
      const current = await app.retirees.byId(id);
      if (!current) throw notFound('retiree');
      const low = body.hrLow === undefined ? current.hrLow : body.hrLow;
      const high = body.hrHigh === undefined ? current.hrHigh : body.hrHigh;
      if (typeof low === 'number' && typeof high === 'number' && low >= high) {
        throw badRequest('hrLow must be below hrHigh');
      }
      await app.retirees.update(id, body, caller.id);
      const retiree = await app.retirees.byId(id);
      if (!retiree) throw notFound('retiree');
      app.directory.putRetiree(id, { low: retiree.hrLow, high: retiree.hrHigh, spo2Low: retiree.spo2Low });
      return { ...retiree, hrRange: app.directory.rangeOf(retiree) };
    },
  );
  retireeRecords.on(
    'devices',
    { summary: "A retiree's devices", method: 'get', answer: Type.Array(Type.Any()) },
    async (rawId, _, caller) => {
      const id = await scopedRetiree(rawId, caller);
      return (await app.devices.byRetiree(id)).map(publicDevice);
    },
  );
  retireeRecords.on(
    'vitals',
    {
      summary: 'A time series from the telemetry store (default: heart rate over the last 24 hours)',
      method: 'get',
      query: VitalsQuery,
      answer: VitalsResponse,
      errors: refusals(400, 401, 404),
    },
    async (rawId, query, caller) => {
      const id = await scopedRetiree(rawId, caller);
      if (!(await app.retirees.byId(id))) throw notFound('retiree');
      const field = query.field ?? 'hr';
      const to = query.to ? Date.parse(query.to) : Date.now();
      const from = query.from ? Date.parse(query.from) : to - DAY_MS;
      if (!(from < to)) throw badRequest('from must be before to');
      if (to - from > 400 * DAY_MS) throw badRequest('at most 400 days at once');
      const minimumEvery = Math.ceil((to - from) / MAX_POINTS / 1000);
      const every = query.every ?? Math.max(60, minimumEvery);
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
