/** Money (6.3, 6.4.2.4, 6.5.2.1, 6.10.2.4): the pay ledger, reimbursements, one-off payments, the month's totals. */
import { area } from '../context.ts';
import { addDeadlines } from '../settings/deadlines.ts';
import { addWorkListProviders } from '../worklist/registry.ts';
import { MedicalClaims } from './claims.ts';
import { CLAIM_DAYS, PAY_DAY } from './deadlines.ts';
import { PayLedger } from './ledger.ts';
import { LumpSums } from './lump-sums.ts';
import { payRoutes } from './routes.ts';
import { MedicalClaimProvider, PayArrearsProvider, PayRunProvider } from './worklist.ts';

export const payArea = area('pay', async (app, hub) => {
  app.decorate('payLedger', new PayLedger(hub.db));
  app.decorate('medicalClaims', new MedicalClaims(hub.db));
  app.decorate('lumpSums', new LumpSums(hub.db));
  addWorkListProviders(
    app,
    new PayRunProvider(hub.db),
    new PayArrearsProvider(hub.db),
    new MedicalClaimProvider(hub.db),
  );
  addDeadlines(app, PAY_DAY, CLAIM_DAYS);
  await app.register(payRoutes, { hub });
});
