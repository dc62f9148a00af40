/** Health records, checks and treatment away from home (6.5). */
import { area } from '../context.ts';
import { addDeadlines } from '../settings/deadlines.ts';
import { addWorkListProviders } from '../worklist/registry.ts';
import { HealthRecordStore } from './health.ts';
import { medicalRoutes } from './routes.ts';
import { Treatments } from './treatments.ts';
import { APPROVAL_DAYS, CHECK_NOTICE_DAYS, MedicalWorkProvider } from './worklist.ts';

export const medicalArea = area('medical', async (app, hub) => {
  app.decorate('healthRecords', new HealthRecordStore(hub.db));
  app.decorate('treatments', new Treatments(hub.db));
  addWorkListProviders(app, new MedicalWorkProvider(hub.db));
  addDeadlines(app, CHECK_NOTICE_DAYS, APPROVAL_DAYS);
  await app.register(medicalRoutes, { hub });
});
