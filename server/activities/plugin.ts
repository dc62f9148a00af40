/** Activities (6.6): plans, events and groups, with cover and attendance on the work list. */
import { area } from '../context.ts';
import { addWorkListProviders } from '../worklist/registry.ts';
import { ActivityEvents } from './events.ts';
import { ActivityGroups } from './groups.ts';
import { ActivityPlans } from './plans.ts';
import { activityRoutes } from './routes.ts';
import { EventAttendanceProvider, EventCoverProvider } from './worklist.ts';

export const activitiesArea = area('activities', async (app, hub) => {
  app.decorate('activityPlans', new ActivityPlans(hub.db));
  app.decorate('activityEvents', new ActivityEvents(hub.db));
  app.decorate('activityGroups', new ActivityGroups(hub.db));
  addWorkListProviders(app, new EventCoverProvider(hub.db), new EventAttendanceProvider(hub.db));
  await app.register(activityRoutes, { hub });
});
