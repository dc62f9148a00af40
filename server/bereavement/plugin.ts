/** After death (6.10), with its checklist steps on the work list. */
import { benefitsArea } from '../benefits/plugin.ts';
import { careArea } from '../care/plugin.ts';
import { area } from '../context.ts';
import { addDeadlines } from '../settings/deadlines.ts';
import { addWorkListProviders } from '../worklist/registry.ts';
import { bereavementRoutes } from './routes.ts';
import { BereavementService, STEP_DAYS } from './service.ts';
import { BereavementStepProvider } from './worklist.ts';

export const bereavementArea = area('bereavement', async (app, hub) => {
  app.decorate('bereavement', new BereavementService(hub.db));
  addWorkListProviders(app, new BereavementStepProvider(hub.db));
  addDeadlines(app, STEP_DAYS);
  await app.register(bereavementRoutes, { hub });
});

/**
 * Living treatment, elderly care and after death (6.3, 6.7, 6.10) in one line of the app: recording
 * a death stops the living benefits and ends the care arrangement.
 */
export const livingCareAfterDeath = area('living-care-after-death', async (app, hub) => {
  await app.register(benefitsArea, { hub });
  await app.register(careArea, { hub });
  await app.register(bereavementArea, { hub });
});
