/** Emergency management (5.1.7): plans per kind of emergency and the drills that rehearse them. */
import { area } from '../context.ts';
import { emergencyRoutes } from './routes.ts';
import { EmergencyService } from './service.ts';

export const emergencyArea = area('emergency', async (app, hub) => {
  app.decorate('emergency', new EmergencyService(hub.db));
  await app.register(emergencyRoutes, { hub });
});
