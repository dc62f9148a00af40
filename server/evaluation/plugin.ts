/** Supervision, evaluation and improvement (7), with replies, answers and actions due on the work list. */
import { area } from '../context.ts';
import { addDeadlines } from '../settings/deadlines.ts';
import { addWorkListProviders } from '../worklist/registry.ts';
import { evaluationRoutes } from './routes.ts';
import { EvaluationService } from './service.ts';
import { ACTION_NOTICE_DAYS, ReceptionEvaluationProvider } from './worklist.ts';

export const evaluationArea = area('evaluation', async (app, hub) => {
  app.decorate('evaluation', new EvaluationService(hub.db));
  addWorkListProviders(app, new ReceptionEvaluationProvider(hub.db));
  addDeadlines(app, ACTION_NOTICE_DAYS);
  await app.register(evaluationRoutes, { hub });
});
