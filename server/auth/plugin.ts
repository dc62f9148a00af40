/** Signing in and one's own account (/api/auth/*). */
import { area } from '../context.ts';
import { authRoutes } from './routes.ts';

export const authArea = area('auth', (app, hub) => app.register(authRoutes, { hub }));
