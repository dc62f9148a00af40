/** Visits and condolences (6.8), with visit tasks and follow-ups on the work list. */
import { area } from '../context.ts';
import { addDeadlines } from '../settings/deadlines.ts';
import { addWorkListProviders } from '../worklist/registry.ts';
import { COMFORT_DAYS } from './comfort.ts';
import { visitRoutes } from './routes.ts';
import { VisitService } from './service.ts';
import { FollowUpProvider, VisitTaskProvider } from './worklist.ts';

export const visitsArea = area('visits', async (app, hub) => {
  app.decorate('visits', new VisitService(hub.db));
  addWorkListProviders(app, new VisitTaskProvider(hub.db), new FollowUpProvider(hub.db));
  addDeadlines(app, COMFORT_DAYS);
  await app.register(visitRoutes, { hub });
});
