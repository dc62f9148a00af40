/** Staff accounts (admins). */
import { area } from '../context.ts';
import { userRoutes } from './routes.ts';

export const usersArea = area('users', (app, hub) => app.register(userRoutes, { hub }));
