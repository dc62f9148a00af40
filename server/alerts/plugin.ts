/** Alerts: the queue, one alert, and working it; many at once (bulk.ts). */
import { area } from '../context.ts';
import { alertBulkRoutes } from './bulk.ts';
import { alertRoutes } from './routes.ts';

export const alertsArea = area('alerts', async (app, hub) => {
  await app.register(alertRoutes, { hub });
  await app.register(alertBulkRoutes, { hub });
});
