/** Service requests from the 求助 key (6.12). */
import { area } from '../context.ts';
import { addDeadlines } from '../settings/deadlines.ts';
import { addWorkListProviders } from '../worklist/registry.ts';
import { requestRoutes } from './routes.ts';
import { RequestStore, TEST_INTERVAL } from './store.ts';
import { DONE_WITHIN, RequestWorkProvider } from './worklist.ts';

export const requestsArea = area('requests', async (app, hub) => {
  app.decorate('serviceRequests', new RequestStore(hub.db));
  addWorkListProviders(app, new RequestWorkProvider(hub.db));
  addDeadlines(app, TEST_INTERVAL, DONE_WITHIN);
  await app.register(requestRoutes, { hub });
});
