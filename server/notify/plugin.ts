/** Where staff are told of alerts: their channels, the centre's role channels, SMS and voice providers. */
import { area } from '../context.ts';
import { mobileRoutes } from './mobile.ts';
import { notifyRoutes } from './routes.ts';

export const notifyArea = area('notify', async (app, hub) => {
  await app.register(notifyRoutes, { hub });
  await app.register(mobileRoutes, { hub });
});
