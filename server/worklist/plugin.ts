/** The work list (工作清单), of the items every area adds its providers for. */
import { area } from '../context.ts';
import { workListRoutes } from './routes.ts';

export const workListArea = area('worklist', (app, hub) => app.register(workListRoutes, { hub }));
