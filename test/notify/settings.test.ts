/** HUB_NOTIFY_ALLOWED_NETWORKS: read like its neighbours, and a bad entry stops the start naming it. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { makeTempDir } from '../helpers/tmp.ts';

const root = path.resolve(import.meta.dirname, '../..');

describe('the allow-list of webhook networks', () => {
  it('is empty by default: webhooks reach public addresses only', () => {
    expect(loadConfig({}).notify.allowedNetworks).toStrictEqual([]);
  });

  it('reads IPv4 and IPv6 addresses and ranges', () => {
    expect(
      loadConfig({ HUB_NOTIFY_ALLOWED_NETWORKS: '192.168.10.5, 10.20.0.0/16,fd12:3456::/48' }).notify
        .allowedNetworks,
    ).toStrictEqual([
      { address: '192.168.10.5', prefix: 32, family: 'ipv4' },
      { address: '10.20.0.0', prefix: 16, family: 'ipv4' },
      { address: 'fd12:3456::', prefix: 48, family: 'ipv6' },
    ]);
  });

  it.each(['gateway.lan', '10.0.0.0/33', '192.168.1.20/24', '127.1', '192.168.10.5;10.0.0.1', 'fd00::/129'])(
    'refuses %s, naming the variable and the entry',
    (value) => {
      expect(() => loadConfig({ HUB_NOTIFY_ALLOWED_NETWORKS: value })).toThrow(ConfigError);
      expect(() => loadConfig({ HUB_NOTIFY_ALLOWED_NETWORKS: `10.0.0.0/8,${value}` })).toThrow(
        /^HUB_NOTIFY_ALLOWED_NETWORKS: .*"/,
      );
    },
  );

  it('stops `npm start` with a message naming the bad variable', async () => {
    // Were the entry taken, the hub would start: in a folder of its own, on loopback ports the OS picks.
    const dir = await makeTempDir('junxiu-allow-');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        HUB_DATA_DIR: dir.path,
        HUB_HTTP_HOST: '127.0.0.1',
        HUB_HTTP_PORT: '0',
        HUB_MQTT_HOST: '127.0.0.1',
        HUB_MQTT_PORT: '0',
        HUB_NOTIFY_ALLOWED_NETWORKS: '10.0.0.0/8, 192.168.1.0/33',
      },
      encoding: 'utf8',
      timeout: 30_000,
      killSignal: 'SIGKILL',
    });
    await dir.remove();
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('HUB_NOTIFY_ALLOWED_NETWORKS: ');
    expect(result.stderr).toContain('"192.168.1.0/33": the prefix length must be 0–32');
  });
});
