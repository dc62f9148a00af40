/**
 * Where a retiree is, their safe zone (防走失), and the blood pressure their watch measured. Reads
 * are `retirees.read`; the safe zone is a record change (`retirees.write`), logged by the audit hook
 * like every route under /api/retirees (server/audit/health-routes.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import { notFound } from '../errors.ts';
import { refusals } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import { uuidOr404 } from '../ids.ts';
import { IdParams } from '../schemas/common.ts';
import {
  BloodPressureAnswer,
  BloodPressureQuery,
  LocationAnswer,
  SafeZoneAnswer,
  SafeZoneBody,
  SafeZoneRecord,
} from './schemas.ts';
import { LocationStore } from './store.ts';

const route = routeOptions('retirees');
const DAY_MS = 86_400_000;
/** More measurements than a page shows in a month of a watch's hourly ones. */
const MAX_BLOOD_PRESSURE = 2_000;

export const locationRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const store = new LocationStore(hub.db);

  /** The retiree of the path, 404 when there is none; the guard kept a station's caseworker to its own. */
  async function retireeOf(rawId: string): Promise<string> {
    const id = uuidOr404(rawId, 'retiree');
    if (!(await app.retirees.byId(id))) throw notFound('retiree');
    return id;
  }

  app.get(
    '/api/retirees/:id/location',
    route('retirees.read', {
      retiree: 'path',
      summary: "The retiree's latest fix from a watch (WGS-84), with its GCJ-02 form and an Amap link",
      params: IdParams,
      response: { 200: LocationAnswer, ...refusals(401, 403, 404) },
    }),
    async (request) => ({ location: await store.latest(await retireeOf(request.params.id)) }),
  );

  app.get(
    '/api/retirees/:id/safe-zone',
    route('retirees.read', {
      retiree: 'path',
      summary: "The retiree's safe zone (防走失), null when none is set",
      params: IdParams,
      response: { 200: SafeZoneAnswer, ...refusals(401, 403, 404) },
    }),
    async (request) => ({ zone: await store.zone(await retireeOf(request.params.id)) }),
  );

  app.put(
    '/api/retirees/:id/safe-zone',
    route('retirees.write', {
      retiree: 'path',
      summary:
        'Sets the safe zone of a retiree at risk of wandering: home (WGS-84) and a radius. Leaving it opens a `wander` alert',
      params: IdParams,
      body: SafeZoneBody,
      response: { 200: SafeZoneRecord, ...refusals(400, 401, 403, 404) },
    }),
    async (request) => {
      const id = await retireeOf(request.params.id);
      return store.setZone(id, request.body, request.user!.id, new Date());
    },
  );

  app.delete(
    '/api/retirees/:id/safe-zone',
    route('retirees.write', {
      retiree: 'path',
      summary: "Removes the retiree's safe zone: their fixes are no longer judged",
      params: IdParams,
      response: { 204: Type.Null(), ...refusals(401, 403, 404) },
    }),
    async (request, reply) => {
      const id = await retireeOf(request.params.id);
      if (!(await store.removeZone(id))) throw notFound('safe zone');
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/retirees/:id/blood-pressure',
    route('retirees.read', {
      retiree: 'path',
      summary: 'Blood pressure measured by the retiree’s watch (mmHg), newest first',
      params: IdParams,
      querystring: BloodPressureQuery,
      response: { 200: BloodPressureAnswer, ...refusals(400, 401, 403, 404) },
    }),
    async (request) => {
      const id = await retireeOf(request.params.id);
      const to = Date.now();
      const from = to - (request.query.days ?? 30) * DAY_MS;
      const series = (field: string) =>
        app.telemetry.querySeries({ retireeId: id, field, from, to, every: 0 });
      const [systolic, diastolic] = await Promise.all([series('bp_systolic'), series('bp_diastolic')]);
      // The two are one measurement, stored at one instant.
      const low = new Map(diastolic.map((point) => [point.ts, point.value]));
      const readings = systolic
        .filter((point) => low.has(point.ts))
        .map((point) => ({
          ts: new Date(point.ts).toISOString(),
          systolic: point.value,
          diastolic: low.get(point.ts) as number,
        }))
        .reverse()
        .slice(0, MAX_BLOOD_PRESSURE);
      return { retireeId: id, unit: 'mmHg' as const, readings };
    },
  );
};
