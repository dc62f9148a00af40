/** Service requests (6.12): the 求助 key, requests staff log, and the register of providers. */
import { area } from '../context.ts';
import { addDeadlines } from '../settings/deadlines.ts';
import { addWorkListProviders } from '../worklist/registry.ts';
import { ServiceProviders } from './providers.ts';
import { requestRoutes } from './routes.ts';
import { RequestStore, TEST_INTERVAL } from './store.ts';
import { DONE_WITHIN, RequestWorkProvider } from './worklist.ts';

export const requestsArea = area('requests', async (app, hub) => {
  app.decorate('serviceRequests', new RequestStore(hub.db));
  app.decorate('serviceProviders', new ServiceProviders(hub.db));
  addWorkListProviders(app, new RequestWorkProvider(hub.db));
  addDeadlines(app, TEST_INTERVAL, DONE_WITHIN);
  await app.register(requestRoutes, { hub });
});
