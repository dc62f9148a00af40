import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { configError } from '../helpers/hub.ts';
import { suiteTlsHub } from '../helpers/suite.ts';
import { selfSigned } from '../helpers/tls.ts';
import { freePort, makeTempDir, type TempDir } from '../helpers/tmp.ts';

describe('TLS settings, checked at start', () => {
  let folder: TempDir;
  let first: { cert: string; key: string };
  let second: { cert: string; key: string };
  beforeAll(async () => {
    folder = await makeTempDir('junxiu-tls-');
    first = selfSigned(folder.path, 'first');
    second = selfSigned(folder.path, 'second');
  });
  afterAll(() => folder?.remove());

  it('refuses to start in production with plaintext listeners unless told so', () => {
    expect(configError({ HUB_PRODUCTION: 'true' }).variable).toBe('HUB_PRODUCTION');
    expect(loadConfig({ HUB_PRODUCTION: 'true', HUB_ALLOW_PLAINTEXT: 'true' }).plaintext).toBe(true);
    const secured = loadConfig({ HUB_PRODUCTION: 'true', HUB_TLS_CERT: first.cert, HUB_TLS_KEY: first.key });
    expect(secured.plaintext).toBe(false);
    expect(secured.tls?.certFile).toBe(first.cert);
    expect(secured.mqttTlsPort).toBe(8883);
    expect(loadConfig({}).plaintext).toBe(true);
    expect(configError({ HUB_PRODUCTION: 'maybe' }).variable).toBe('HUB_PRODUCTION');
  });

  it('names the setting of a missing, unreadable or mismatched certificate', () => {
    expect(configError({ HUB_TLS_KEY: first.key }).variable).toBe('HUB_TLS_CERT');
    expect(configError({ HUB_TLS_CERT: first.cert }).variable).toBe('HUB_TLS_KEY');
    const missing = configError({ HUB_TLS_CERT: path.join(folder.path, 'none.crt'), HUB_TLS_KEY: first.key });
    expect(missing.variable).toBe('HUB_TLS_CERT');
    expect(missing.message).toMatch(/ENOENT/);
    const mismatched = configError({ HUB_TLS_CERT: first.cert, HUB_TLS_KEY: second.key });
    expect(mismatched.variable).toBe('HUB_TLS_CERT');
    expect(configError({ HUB_TLS_CERT: first.key, HUB_TLS_KEY: first.key }).variable).toBe('HUB_TLS_CERT');
    expect(configError({ HUB_MQTT_MAX_PACKET_BYTES: '10' }).variable).toBe('HUB_MQTT_MAX_PACKET_BYTES');
  });
});

describe('A production hub: MQTT over TLS on its own port, HTTPS, no plaintext listener', () => {
  // The port a plaintext listener would take: the production hub must leave it closed.
  let plainPort = 0;
  const t = suiteTlsHub('junxiu-tls-hub-', {
    env: async () => {
      plainPort = await freePort();
      return { HUB_PRODUCTION: 'true', HUB_MQTT_PORT: String(plainPort) };
    },
  });

  it('serves the API over HTTPS only', async () => {
    expect(t.hub.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await t.request('GET', '/healthz')).status).toBe(200);
    const plain = await fetch(t.hub.url.replace('https', 'http')).then(
      (response) => response.status,
      () => 'refused',
    );
    expect(plain).not.toBe(200);
  });

  it('takes devices over MQTT on TLS, and nothing on the plaintext port', async () => {
    const created = await t.request<{ device: { id: string }; secret: string }>('POST', '/api/devices', {
      id: 'watch-tls-1',
      type: 'wearable.watch',
      retireeId: null,
    });
    expect(created.status).toBe(201);
    const code = (secret: string) =>
      new Promise<number>((resolve) => {
        const client = mqtt.connect(`mqtts://127.0.0.1:${t.tlsPort}`, {
          clientId: 'watch-tls-1',
          username: 'watch-tls-1',
          password: secret,
          ca: t.ca,
          reconnectPeriod: 0,
          connectTimeout: 5000,
        });
        client.once('connect', () => {
          client.end(true);
          resolve(0);
        });
        client.once('error', (error) => {
          client.end(true);
          resolve((error as { code?: number }).code ?? -1);
        });
      });
    expect(await code(created.body.secret)).toBe(0);
    expect(await code('wrong')).toBe(4);
    expect(t.hub.mqttPort).toBe(0);
    const plaintext = await new Promise<string>((resolve) => {
      const socket = net.connect({ port: plainPort, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve('open');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(plaintext).toBe('ECONNREFUSED');
  });

  it('serves MQTT over secure WebSocket at /mqtt', async () => {
    const created = await t.request<{ device: { id: string }; secret: string }>('POST', '/api/devices', {
      id: 'watch-tls-2',
      type: 'wearable.watch',
      retireeId: null,
    });
    const client = await mqtt.connectAsync(`${t.hub.url.replace('https', 'wss')}/mqtt`, {
      clientId: 'watch-tls-2',
      username: 'watch-tls-2',
      password: created.body.secret,
      ca: t.ca,
      reconnectPeriod: 0,
    });
    expect(client.connected).toBe(true);
    await client.endAsync(true);
  });

  it('closes and counts a plaintext MQTT client on the TLS port', async () => {
    const socket = net.connect({ port: t.tlsPort, host: '127.0.0.1' });
    socket.on('error', () => {});
    socket.write(
      Buffer.from([0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00]),
    );
    await new Promise((resolve) => socket.once('close', resolve));
    const metrics = await t.request<string>('GET', '/metrics');
    expect(metrics.body).toMatch(/hub_mqtt_connections_closed_total\{reason="tls_handshake"\} 1/);
  });
});

/** A TLS handshake offering exactly `options`; resolves with the suite agreed, or `refused`. */
function handshake(port: number, ca: Buffer, options: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost', ...options });
    socket.once('secureConnect', () => {
      const agreed = socket.getCipher().name;
      socket.destroy();
      resolve(agreed);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve('refused');
    });
  });
}

describe('TLS key exchange with forward secrecy only, on HTTPS and MQTT over TLS', () => {
  // An RSA certificate: with it a server could agree to static-RSA key exchange, which it must not.
  const t = suiteTlsHub('junxiu-tls-suites-', {
    keyType: 'rsa',
    env: () => ({ HUB_ALLOW_PLAINTEXT: 'false' }),
  });

  it('refuses a TLS 1.2 client that offers only static-RSA suites', async () => {
    for (const port of [t.hub.httpPort, t.tlsPort]) {
      for (const suite of ['AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA256', 'AES128-SHA']) {
        expect(
          await handshake(port, t.ca, { ciphers: suite, maxVersion: 'TLSv1.2' }),
          `${port} ${suite}`,
        ).toBe('refused');
      }
    }
  });

  it('agrees to an ECDHE suite at TLS 1.2, and to TLS 1.3', async () => {
    for (const port of [t.hub.httpPort, t.tlsPort]) {
      for (const suite of [
        'ECDHE-RSA-AES128-GCM-SHA256',
        'ECDHE-RSA-AES256-GCM-SHA384',
        'ECDHE-RSA-CHACHA20-POLY1305',
      ]) {
        expect(
          await handshake(port, t.ca, { ciphers: suite, maxVersion: 'TLSv1.2' }),
          `${port} ${suite}`,
        ).toBe(suite);
      }
      // A client offering both takes the one with forward secrecy.
      const mixed = await handshake(port, t.ca, {
        ciphers: 'AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256',
        maxVersion: 'TLSv1.2',
      });
      expect(mixed).toBe('ECDHE-RSA-AES128-GCM-SHA256');
      expect(await handshake(port, t.ca, { minVersion: 'TLSv1.3' })).toMatch(/^TLS_/);
    }
  });

  it('sends Strict-Transport-Security over HTTPS', async () => {
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      https
        .get(`${t.hub.url}/healthz`, { ca: t.ca }, (response) => {
          response.resume();
          resolve(response.headers);
        })
        .on('error', reject);
    });
    expect(headers['strict-transport-security']).toBe('max-age=31536000');
    expect(headers['x-frame-options']).toBe('DENY');
  });
});
