/** Travel abroad and part-time posts (6.4.2.3–6.4.2.5), and retirees abroad (6.4.2.4). */
import { area } from '../context.ts';
import { addDeadlines } from '../settings/deadlines.ts';
import { addWorkListProviders } from '../worklist/registry.ts';
import { AbroadRequests } from './requests.ts';
import { abroadRoutes } from './routes.ts';
import { AbroadStays } from './stays.ts';
import { abroadStayRoutes } from './stays-routes.ts';
import { AbroadWorkProvider, APPROVAL_DAYS } from './worklist.ts';

export const abroadArea = area('abroad', async (app, hub) => {
  app.decorate('abroadRequests', new AbroadRequests(hub.db));
  app.decorate('abroadStays', new AbroadStays(hub.db));
  addWorkListProviders(app, new AbroadWorkProvider(hub.db));
  addDeadlines(app, APPROVAL_DAYS);
  await app.register(abroadRoutes, { hub });
  await app.register(abroadStayRoutes, { hub });
});
