/** Where a retiree is (their latest fix from a watch), their safe zone (防走失), their blood pressure. */
import { area } from '../context.ts';
import { locationRoutes } from './routes.ts';
import { towerRoutes } from './tower-routes.ts';

export const locationArea = area('location', async (app, hub) => {
  await app.register(locationRoutes, { hub });
  await app.register(towerRoutes, { hub });
});
