/** Living treatment (6.3): benefits, with those due for review on the work list, and preferential cards. */
import { area } from '../context.ts';
import { addDeadlines } from '../settings/deadlines.ts';
import { addWorkListProviders } from '../worklist/registry.ts';
import { BenefitCards } from './cards.ts';
import { benefitRoutes } from './routes.ts';
import { APPROVAL_DAYS, BenefitService } from './service.ts';
import { BenefitReviewProvider } from './worklist.ts';

export const benefitsArea = area('benefits', async (app, hub) => {
  app.decorate('benefits', new BenefitService(hub.db));
  app.decorate('benefitCards', new BenefitCards(hub.db));
  addWorkListProviders(app, new BenefitReviewProvider(hub.db));
  addDeadlines(app, APPROVAL_DAYS);
  await app.register(benefitRoutes, { hub });
});
