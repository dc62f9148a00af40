/** Elderly care (6.7): arrangements and visits. */
import { area } from '../context.ts';
import { careRoutes } from './routes.ts';
import { CareService } from './service.ts';

export const careArea = area('care', async (app, hub) => {
  app.decorate('care', new CareService(hub.db));
  await app.register(careRoutes, { hub });
});
