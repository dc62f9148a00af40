/** Alerts: the queue, one alert, and working it. */
import { area } from '../context.ts';
import { alertRoutes } from './routes.ts';

export const alertsArea = area('alerts', (app, hub) => app.register(alertRoutes, { hub }));
