/** Political life and reception (6.2): activities, study sessions, letters and visits. */
import { area } from '../context.ts';
import { addDeadlines } from '../settings/deadlines.ts';
import { REPLY_DAYS } from './checks.ts';
import { receptionRoutes } from './routes.ts';
import { ReceptionService } from './service.ts';

export const receptionArea = area('reception', async (app, hub) => {
  app.decorate('reception', new ReceptionService(hub.db));
  addDeadlines(app, REPLY_DAYS);
  await app.register(receptionRoutes, { hub });
});
