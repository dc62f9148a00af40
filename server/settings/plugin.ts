/** The centre's settings that staff change at run time. */
import { area } from '../context.ts';
import { settingsRoutes } from './routes.ts';

export const settingsArea = area('settings', (app, hub) => app.register(settingsRoutes, { hub }));
