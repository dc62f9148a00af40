/** Service requests from the 求助 key (6.12). */
import { area } from '../context.ts';
import { addWorkListProviders } from '../worklist/registry.ts';
import { requestRoutes } from './routes.ts';
import { RequestStore } from './store.ts';
import { RequestWorkProvider } from './worklist.ts';

export const requestsArea = area('requests', async (app, hub) => {
  app.decorate('serviceRequests', new RequestStore(hub.db));
  addWorkListProviders(app, new RequestWorkProvider(hub.db));
  await app.register(requestRoutes, { hub });
});
