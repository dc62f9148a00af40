/** The operators' endpoints: /healthz and /metrics. */
import { area } from '../context.ts';
import { systemRoutes } from './routes.ts';

export const systemArea = area('system', (app, hub) => app.register(systemRoutes, { hub }));
