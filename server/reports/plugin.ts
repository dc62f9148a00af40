/** Alert reports and figures over a period. */
import { area } from '../context.ts';
import { reportRoutes } from './routes.ts';

export const reportsArea = area('reports', (app, hub) => app.register(reportRoutes, { hub }));
