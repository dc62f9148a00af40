/**
 * What the hub places watches without a satellite fix by: the Wi-Fi access points it learned
 * (./wifi.ts), and the cell towers (./cells.ts), with an OpenCelliD export of them sent as the body (`text/csv`, or gzipped as OpenCelliD hands it out, `application/gzip`). The
 * body is read as a stream, a batch of towers at a time: a country's export is hundreds of MB.
 */
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import { badRequest, HubError } from '../errors.ts';
import { refusals } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import { CellTowers, NotATowerFile } from './cells.ts';
import { AccessPoints } from './wifi.ts';

const route = routeOptions('devices');
/** More than China's towers in OpenCelliD (about 2.5 million in 2025). */
const MAX_TOWERS = 10_000_000;
const GZIP = ['application/gzip', 'application/x-gzip'];

const TowerSummary = Type.Object({
  towers: Type.Integer({ description: 'Towers known' }),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'When the newest of them was last measured',
  }),
  networks: Type.Array(Type.Object({ mcc: Type.Integer(), mnc: Type.Integer(), towers: Type.Integer() }), {
    description: 'Towers per network (460/00 China Mobile, 460/01 China Unicom, 460/11 China Telecom…)',
  }),
});

const AccessPointSummary = Type.Object({
  accessPoints: Type.Integer({ description: 'Access points learned from watches reporting a satellite fix' }),
  moving: Type.Integer({ description: 'Of those, heard in places too far apart: never used' }),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'When one was last learned',
  }),
});

const ImportAnswer = Type.Object({
  read: Type.Integer({ description: 'Towers in the file' }),
  imported: Type.Integer({ description: 'Towers written (new, or newer than the one stored)' }),
  skipped: Type.Integer({ description: 'Lines that are no tower' }),
  problems: Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String() }), {
    description: 'The first of the skipped lines and why',
  }),
  summary: TowerSummary,
});

export const towerRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const towers = new CellTowers(hub.db);
  const accessPoints = new AccessPoints(hub.db);
  // The stream itself is the body: read here, never buffered whole.
  app.addContentTypeParser(['text/csv', ...GZIP], (_request, payload, done) => done(null, payload));

  app.get(
    '/api/location/cell-towers',
    route('devices.read', {
      summary: 'The cell towers known for placing watches without a satellite fix',
      response: { 200: TowerSummary, ...refusals(401, 403) },
    }),
    () => towers.summary(),
  );

  app.get(
    '/api/location/wifi-access-points',
    route('devices.read', {
      summary: 'The Wi-Fi access points learned for placing watches without a satellite fix',
      response: { 200: AccessPointSummary, ...refusals(401, 403) },
    }),
    () => accessPoints.summary(),
  );

  app.put(
    '/api/location/cell-towers',
    route('devices.manage', {
      summary:
        'Imports an OpenCelliD export (text/csv, or application/gzip); a tower is kept when it is newer',
      consumes: ['text/csv', ...GZIP],
      response: { 200: ImportAnswer, ...refusals(400, 401, 403, 415) },
    }),
    async (request) => {
      const raw = request.body as unknown;
      if (!(raw instanceof Readable)) {
        throw new HubError(415, 'unsupported_media_type', 'send the export as text/csv or application/gzip');
      }
      const gzipped = GZIP.includes(String(request.headers['content-type']).split(';')[0]?.trim() ?? '');
      const input = gzipped ? raw.pipe(createGunzip()) : raw;
      try {
        const result = await towers.import(input, MAX_TOWERS);
        if (result.read === 0) {
          const first = result.problems[0];
          throw badRequest(`no tower in the file${first ? `: line ${first.line}: ${first.reason}` : ''}`);
        }
        return { ...result, summary: await towers.summary() };
      } catch (error) {
        raw.resume();
        if (error instanceof NotATowerFile) throw badRequest(error.message);
        if (error instanceof Error && 'code' in error && String(error.code).startsWith('Z_')) {
          throw badRequest('the body is not gzip');
        }
        throw error;
      }
    },
  );
};
