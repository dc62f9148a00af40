/** The admins' security page. */
import { area } from '../context.ts';
import { securityRoutes } from './routes.ts';

export const securityArea = area('security', (app, hub) => app.register(securityRoutes, { hub }));
