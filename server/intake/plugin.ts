/** Intake (6.1): the three-party agreement and its steps, with the steps due on the work list. */
import path from 'node:path';
import { area } from '../context.ts';
import { findCardFont } from '../rescue/pdf.ts';
import { addDeadlines } from '../settings/deadlines.ts';
import { addWorkListProviders } from '../worklist/registry.ts';
import { intakeRoutes } from './routes.ts';
import { IntakeService } from './service.ts';
import { STEP_DAYS } from './steps.ts';
import { IntakeStepProvider } from './worklist.ts';

export const intakeArea = area('intake', async (app, hub) => {
  // The same folder the archive keeps its attachments in, so the archive serves and logs them.
  app.decorate('intake', new IntakeService(hub.db, () => new Date(), { dataDir: path.resolve(hub.dataDir) }));
  addWorkListProviders(app, new IntakeStepProvider(hub.db));
  addDeadlines(app, STEP_DAYS);
  await app.register(intakeRoutes, { hub, font: findCardFont(hub.cardFont) });
});
