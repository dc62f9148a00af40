/** The audit log for admins: entries and the chain check. */
import { area } from '../context.ts';
import { auditRoutes } from './routes.ts';

export const auditArea = area('audit', (app, hub) => app.register(auditRoutes, { hub }));
