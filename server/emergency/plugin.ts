/** Emergency management (5.1.7): plans per kind of emergency and the drills that rehearse them. */
import { area } from '../context.ts';
import { addDeadlines } from '../settings/deadlines.ts';
import { addWorkListProviders } from '../worklist/registry.ts';
import { emergencyRoutes } from './routes.ts';
import { EmergencyService } from './service.ts';
import { EmergencyPlanProvider, REVIEW_NOTICE_DAYS } from './worklist.ts';

export const emergencyArea = area('emergency', async (app, hub) => {
  app.decorate('emergency', new EmergencyService(hub.db));
  addWorkListProviders(app, new EmergencyPlanProvider(hub.db));
  addDeadlines(app, REVIEW_NOTICE_DAYS);
  await app.register(emergencyRoutes, { hub });
});
