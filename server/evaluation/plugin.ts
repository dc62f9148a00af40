/**
 * Supervision, evaluation and improvement (7), with replies, answers and actions due on the work list,
 * and the survey's phone page that retirees and families answer through their links.
 */
import { area } from '../context.ts';
import { findCardFont } from '../print/font.ts';
import { addDeadlines } from '../settings/deadlines.ts';
import { addWorkListProviders } from '../worklist/registry.ts';
import { SurveyLinks } from './links.ts';
import { surveyPageRoutes } from './phone-page.ts';
import { evaluationRoutes } from './routes.ts';
import { EvaluationService } from './service.ts';
import { ACTION_NOTICE_DAYS, ReceptionEvaluationProvider } from './worklist.ts';

export const evaluationArea = area('evaluation', async (app, hub) => {
  app.decorate('evaluation', new EvaluationService(hub.db));
  addWorkListProviders(app, new ReceptionEvaluationProvider(hub.db));
  addDeadlines(app, ACTION_NOTICE_DAYS);
  const links = new SurveyLinks(hub.db, hub.linkKey, hub.publicUrl);
  await app.register(evaluationRoutes, { hub, links, font: findCardFont(hub.cardFont) });
  await app.register(surveyPageRoutes, { hub, links });
});
