/** Watches and pendants on their makers' protocols: the commands staff send them and their log. */
import { area } from '../context.ts';
import { watchCommandRoutes } from './routes.ts';

export const watchesArea = area(
  'watches',
  async (app, hub) => {
    await app.register(watchCommandRoutes, { hub });
  },
  ['devices'],
);
