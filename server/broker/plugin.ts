/** Devices on an external broker: the hooks EMQX calls (./routes.ts). */
import { area } from '../context.ts';
import { brokerRoutes } from './routes.ts';

export const brokerArea = area('broker', async (app, hub) => {
  await app.register(brokerRoutes, { hub });
});
