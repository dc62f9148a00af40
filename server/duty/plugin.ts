/** The duty roster of the monitoring desk. */
import { area } from '../context.ts';
import { dutyRoutes } from './routes.ts';
import { DutyStore } from './store.ts';

export const dutyArea = area('duty', async (app, hub) => {
  app.decorate('duty', new DutyStore(hub.db));
  await app.register(dutyRoutes, { hub });
});
