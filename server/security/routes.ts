/** The admins' security page: `GET /api/security/overview`. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AreaOptions } from '../context.ts';
import { routeOptions } from '../http/route.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { SecurityOverview } from '../schemas/security.ts';
import { securityOverview } from './overview.ts';

const route = routeOptions('security');

export const securityRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  app.get(
    '/api/security/overview',
    route('security.read', {
      summary: 'Failed sign-ins, refused and silent devices, the audit chain and open security alerts',
      description: 'Admins only.',
      response: { 200: SecurityOverview, 401: ErrorResponse, 403: ErrorResponse },
    }),
    async () => {
      return securityOverview(
        app.security,
        { db: hub.db, devices: app.devices, alerts: app.alerts, retirees: app.retirees },
        new Date(),
      );
    },
  );
};
