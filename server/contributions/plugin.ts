/** What retirees contribute (6.9): the register and oral histories, whose files are the archive's attachments. */
import { area } from '../context.ts';
import { OralHistories } from './oralHistory.ts';
import { ContributionRegister } from './register.ts';
import { contributionRoutes } from './routes.ts';

// Oral histories keep their files as the archive's attachments.
export const contributionsArea = area(
  'contributions',
  async (app, hub) => {
    app.decorate('contributionRegister', new ContributionRegister(hub.db));
    app.decorate('oralHistories', new OralHistories(hub.db, app.attachments));
    await app.register(contributionRoutes, { hub });
  },
  ['archive'],
);
