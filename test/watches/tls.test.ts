/**
 * Watch listeners over TLS (HUB_WATCH_TLS) for the devices that can: the same frames and answers
 * inside TLS; a device that speaks plain TCP to the TLS port is refused and counted. And the rules
 * of the settings: TLS needs the certificate, and a hub that refuses plaintext refuses plain watch
 * listeners too.
 */
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import type { CreatedDevice } from '../../server/schemas/index.ts';
import { threeGFrame } from '../../simulators/watches/frames.ts';
import { DeviceLink } from '../helpers/device-link.ts';
import { configError, eventually } from '../helpers/hub.ts';
import { suiteTlsHub } from '../helpers/suite.ts';
import { selfSigned } from '../helpers/tls.ts';
import { makeTempDir } from '../helpers/tmp.ts';

const WATCH = '4700186509';

describe('watch listeners over TLS', () => {
  const t = suiteTlsHub('hub-watch-tls-', {
    env: () => ({ HUB_WATCH_TLS: 'true', HUB_WATCH_3G_PORT: '0', HUB_WATCH_HOST: '127.0.0.1' }),
  });
  const refusals = async () => {
    const metrics = await t.request<string>('GET', '/metrics');
    const line = String(metrics.body)
      .split('\n')
      .find((entry) => entry.startsWith('hub_watch_refused_total{protocol="3g",reason="tls_handshake"}'));
    return Number(line?.split(' ')[1] ?? 0);
  };

  it('reads a watch’s frames inside TLS and answers inside it', async () => {
    const created = await t.request<CreatedDevice>('POST', '/api/devices', { id: WATCH, type: 'watch.3g' });
    expect(created.status).toBe(201);
    const socket = tls.connect({
      host: '127.0.0.1',
      port: t.hub.watchPorts['3g'],
      ca: t.ca,
      servername: 'localhost',
    });
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    socket.write(threeGFrame(WATCH, 'LK,0,10,100'));
    await eventually(() => received.includes(`[3G*${WATCH}*0002*LK]`));
    socket.destroy();
  });

  it('refuses a device speaking plain TCP to the TLS port, and counts it', async () => {
    const before = await refusals();
    const plain = await DeviceLink.open(t.hub.watchPorts['3g']);
    plain.send(threeGFrame(WATCH, 'LK,0,10,100'));
    await plain.closed;
    expect(plain.text).not.toContain('LK]');
    await eventually(async () => (await refusals()) === before + 1);
  });
});

describe('watch listener settings', () => {
  it('needs the certificate for TLS', () => {
    expect(configError({ HUB_WATCH_TLS: 'true', HUB_WATCH_3G_PORT: '0' }).variable).toBe('HUB_WATCH_TLS');
  });

  it('refuses plain watch listeners where plaintext is not allowed', async () => {
    const folder = await makeTempDir('hub-watch-tls-settings-');
    try {
      const files = selfSigned(folder.path);
      const secure = { HUB_TLS_CERT: files.cert, HUB_TLS_KEY: files.key, HUB_ALLOW_PLAINTEXT: 'false' };
      const error = configError({ ...secure, HUB_WATCH_IW_PORT: '7700' });
      expect(error.variable).toBe('HUB_WATCH_TLS');
      expect(error.message).toMatch(/HUB_ALLOW_PLAINTEXT=true/);
      expect(loadConfig({ ...secure, HUB_WATCH_IW_PORT: '7700', HUB_WATCH_TLS: 'true' }).watches.tls).toEqual(
        {
          certFile: files.cert,
          keyFile: files.key,
          caFile: undefined,
        },
      );
    } finally {
      await folder.remove();
    }
  });
});
