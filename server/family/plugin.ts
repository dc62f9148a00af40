/** Family accounts, contacts and their channels, and the family page (6.11.2.4). */
import { area } from '../context.ts';
import { familyRoutes } from './routes.ts';

export const familyArea = area('family', (app, hub) => app.register(familyRoutes, { hub }));
