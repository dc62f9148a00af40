/** Service requests from the 求助 key (6.12). */
import { area } from '../context.ts';
import { requestRoutes } from './routes.ts';
import { RequestStore } from './store.ts';

export const requestsArea = area('requests', async (app, hub) => {
  app.decorate('serviceRequests', new RequestStore(hub.db));
  await app.register(requestRoutes, { hub });
});
