/** A person's data: export, deletion on a decision, receipts and retention. */
import { area } from '../context.ts';
import { privacyRoutes } from './routes.ts';

export const privacyArea = area('privacy', (app, hub) => app.register(privacyRoutes, { hub }));
