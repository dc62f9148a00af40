/** Devices: registration, bindings, secrets and their revocation. */
import { area } from '../context.ts';
import { DeviceRevocations } from './revocations.ts';
import { deviceRoutes } from './routes.ts';

export const devicesArea = area('devices', async (app, hub) => {
  app.decorate('deviceRevocations', new DeviceRevocations(hub.db));
  await app.register(deviceRoutes, { hub });
});
