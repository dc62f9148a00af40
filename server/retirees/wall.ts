/**
 * The live wall a page at a time (5.1.7, 6.11.2.4): whoever needs attention first, so a night-shift
 * operator never has an emergency hidden by a filter or a page. `GET /api/retirees` still gives the
 * whole list for the pages and scripts that need every retiree.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AreaOptions } from '../context.ts';
import { routeOptions } from '../http/route.ts';
import { tileDevices } from '../retirees/wall-store.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { WallPage, WallQuery, type WallTile } from '../schemas/wall.ts';
import { scopeOf } from '../store/scope.ts';

const route = routeOptions('retirees');

export const wallRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app) => {
  const { wall: records } = app;

  app.get(
    '/api/wall',
    route('retirees.read', {
      summary:
        'The live wall a page at a time: unacknowledged alerts first (worst first), then alerts being handled, then everyone by name',
      querystring: WallQuery,
      response: { 200: WallPage, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
    }),
    async (request) => {
      const limit = request.query.limit ?? 120;
      const offset = request.query.offset ?? 0;
      const listing = await records.page(scopeOf(request.user!), { limit, offset, q: request.query.q });
      // Devices only for the page's retirees, not the centre's.
      const devicesOf = tileDevices(
        await records.devicesOf(listing.items.map((item) => item.id)),
        (id, stored) => app.deviceState.latest(id, stored),
      );
      const items = listing.items.map((retiree): WallTile => ({ ...retiree, ...devicesOf(retiree.id) }));
      return {
        items,
        total: listing.total,
        attention: listing.attention,
        offlineDevices: listing.offlineDevices,
        limit,
        offset,
      };
    },
  );
};
