/**
 * A hub as a centre runs it, with the admins' second factor required (`HUB_ADMIN_TOTP_REQUIRED` left
 * at its default), in a temporary folder, on loopback ports the OS picks. `startTestHub` turns the
 * requirement off to sign its admin in, so the sign-in tests start theirs here.
 */
import { loadConfig } from '../../server/config.ts';
import { createLogger, type Hub, startHub } from '../../server/hub.ts';
import { makeTempDir } from '../helpers/tmp.ts';

export async function startTotpHub(adminPassword: string): Promise<{ hub: Hub; stop: () => Promise<void> }> {
  const dir = await makeTempDir('junxiu-totp-');
  const hub = await startHub(
    loadConfig({
      HUB_DATA_DIR: dir.path,
      HUB_HTTP_PORT: '0',
      HUB_HTTP_HOST: '127.0.0.1',
      HUB_MQTT_PORT: '0',
      HUB_MQTT_HOST: '127.0.0.1',
      HUB_ADMIN_PASSWORD: adminPassword,
      HUB_LOG_LEVEL: 'silent',
    }),
    createLogger('silent'),
  );
  return {
    hub,
    async stop() {
      await hub.stop();
      await dir.remove();
    },
  };
}
