/** Living treatment (6.3), with the benefits due for review on the work list. */
import { area } from '../context.ts';
import { addWorkListProviders } from '../worklist/registry.ts';
import { benefitRoutes } from './routes.ts';
import { BenefitService } from './service.ts';
import { BenefitReviewProvider } from './worklist.ts';

export const benefitsArea = area('benefits', async (app, hub) => {
  app.decorate('benefits', new BenefitService(hub.db));
  addWorkListProviders(app, new BenefitReviewProvider(hub.db));
  await app.register(benefitRoutes, { hub });
});
