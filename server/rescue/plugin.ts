/** The emergency rescue card (6.5.2.6), as JSON and as a printed PDF. */

import { area } from '../context.ts';
import { findCardFont } from './pdf.ts';
import { rescueRoutes } from './routes.ts';

export const rescueArea = area('rescue', (app, hub) =>
  app.register(rescueRoutes, { hub, font: findCardFont(hub.cardFont) }),
);
