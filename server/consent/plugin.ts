/** Consents a retiree gave or withdrew. */
import { area } from '../context.ts';
import { consentRoutes } from './routes.ts';
import { ConsentService } from './service.ts';

export const consentArea = area('consent', async (app, hub) => {
  app.decorate('consents', new ConsentService(hub.db));
  await app.register(consentRoutes, { hub });
});
