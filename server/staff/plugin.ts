/** Staff records (5.2.2, 5.2.3, 6.11.2.2): certificates with their expiry, and training with attendance. */
import { area } from '../context.ts';
import { addDeadlines } from '../settings/deadlines.ts';
import { addWorkListProviders } from '../worklist/registry.ts';
import { staffRoutes } from './routes.ts';
import { CERTIFICATE_NOTICE_DAYS, DATA_PROTECTION_DAYS, StaffRecords } from './service.ts';
import { DataProtectionTrainingProvider, QualificationExpiryProvider } from './worklist.ts';

export const staffArea = area('staff', async (app, hub) => {
  app.decorate('staffRecords', new StaffRecords(hub.db));
  addWorkListProviders(
    app,
    new QualificationExpiryProvider(hub.db),
    new DataProtectionTrainingProvider(hub.db),
  );
  addDeadlines(app, CERTIFICATE_NOTICE_DAYS, DATA_PROTECTION_DAYS);
  await app.register(staffRoutes, { hub });
});
