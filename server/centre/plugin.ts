/**
 * The smaller clauses: the management committee (5.1.8), the facilities register (5.3.2.4), and a
 * retiree's honours (6.2.2.2) and publications and re-employment (6.4.2.6).
 */
import { area } from '../context.ts';
import { addWorkListProviders } from '../worklist/registry.ts';
import { Committee } from './committee.ts';
import { Facilities } from './facilities.ts';
import { RetireeRecords } from './retiree-records.ts';
import { centreRoutes } from './routes.ts';
import { CommitteeDecisionProvider, FacilityInspectionProvider } from './worklist.ts';

export const centreArea = area('centre', async (app, hub) => {
  app.decorate('committee', new Committee(hub.db));
  app.decorate('facilities', new Facilities(hub.db));
  app.decorate('retireeRecords', new RetireeRecords(hub.db));
  addWorkListProviders(app, new FacilityInspectionProvider(hub.db), new CommitteeDecisionProvider(hub.db));
  await app.register(centreRoutes, { hub });
});
