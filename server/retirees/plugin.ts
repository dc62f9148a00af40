/** Retirees, their devices and readings, and the live wall a page at a time. */
import { area } from '../context.ts';
import { retireeRoutes } from './routes.ts';
import { wallRoutes } from './wall.ts';
import { WallStore } from './wall-store.ts';

export const retireesArea = area('retirees', async (app, hub) => {
  app.decorate('wall', new WallStore(hub.db));
  await app.register(retireeRoutes, { hub });
  await app.register(wallRoutes, { hub });
});
