import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { createLogger, startHub } from '../../server/hub.ts';
import { makeTempDir } from '../helpers/tmp.ts';

const root = path.resolve(import.meta.dirname, '../..');

describe('settings', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      httpPort: 8080,
      mqttPort: 1883,
      dataDir: path.resolve('./data'),
      adminPassword: undefined,
      databaseUrl: undefined,
      influx: { url: undefined },
      telemetryBatchSize: 500,
      telemetryFlushMs: 1000,
      hrLowDefault: 50,
      hrHighDefault: 120,
      hrConsecutive: 3,
    });
  });

  it.each([
    ['HUB_HTTP_PORT', 'eighty'],
    ['HUB_HTTP_PORT', '70000'],
    ['HUB_MQTT_PORT', '-1'],
    ['HUB_INFLUX_URL', 'not a url'],
    ['HUB_INFLUX_URL', 'ftp://host/db'],
    ['HUB_DATABASE_URL', 'mysql://host/db'],
    ['HUB_ADMIN_PASSWORD', 'short'],
    ['HUB_TELEMETRY_BATCH_SIZE', '0'],
    ['HUB_LOG_LEVEL', 'loud'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name}: `));
  });

  it('stops `npm start` with a message naming the bad variable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: { ...process.env, HUB_HTTP_PORT: 'abc' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('HUB_HTTP_PORT: expected a whole number, got "abc"');
  });

  it('creates the first admin with a generated password, printed once', async () => {
    const dir = await makeTempDir('junxiu-first-');
    const env = {
      HUB_DATA_DIR: dir.path,
      HUB_HTTP_PORT: '0',
      HUB_MQTT_PORT: '0',
      HUB_HTTP_HOST: '127.0.0.1',
      HUB_MQTT_HOST: '127.0.0.1',
      HUB_ADMIN_TOTP_REQUIRED: 'false',
    };
    try {
      const first = await startHub(loadConfig(env), createLogger('silent'));
      const password = first.generatedAdminPassword;
      expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
      const login = await fetch(`${first.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(login.status).toBe(200);
      await first.stop();
      const second = await startHub(loadConfig(env), createLogger('silent'));
      expect(second.generatedAdminPassword).toBeUndefined();
      await second.stop();
    } finally {
      await dir.remove();
    }
  });
});
