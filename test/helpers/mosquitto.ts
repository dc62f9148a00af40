/**
 * Debian's Mosquitto (2.0) with its dynamic-security plugin, on a free loopback port with a data
 * folder of its own: an administrator account made with `mosquitto_ctrl dynsec init`, nobody else
 * until the hub makes them, anonymous clients refused. Missing binaries skip the suite, except
 * under `CI=true`, where they fail it.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import type { CreatedDevice } from '../../server/schemas/index.ts';
import { eventually } from './hub.ts';
import { acceptsConnections, freePort, makeTempDir, startServerProcess } from './tmp.ts';

const run = promisify(execFile);
const MOSQUITTO = '/usr/sbin/mosquitto';
const MOSQUITTO_CTRL = '/usr/bin/mosquitto_ctrl';

export const DYNSEC_ADMIN = { username: 'hub-admin', password: 'hub-admin-password-0123456789' };

export interface DynsecMosquitto {
  url: string;
  port: number;
  /** `mosquitto_ctrl dynsec …` as the administrator: what it printed. */
  ctrl(...args: string[]): Promise<string>;
  /**
   * Stops it in good order (SIGTERM: with `persistent`, it saves its sessions, queues and retained
   * messages) and starts it again on the same port and folder.
   */
  restart(): Promise<void>;
  /** What Mosquitto logged so far (connections, refusals, clients closed by another of their id). */
  log(): Promise<string>;
  stop(): Promise<void>;
}

function pluginPath(): string | null {
  for (const dir of ['/usr/lib', ...readdirSync('/usr/lib').map((name) => join('/usr/lib', name))]) {
    const candidate = join(dir, 'mosquitto_dynamic_security.so');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** `persistent`: sessions, queued and retained messages are kept on disk across a restart. */
export async function startDynsecMosquitto(
  options: { persistent?: boolean } = {},
): Promise<DynsecMosquitto | null> {
  const plugin = pluginPath();
  if (!existsSync(MOSQUITTO) || !existsSync(MOSQUITTO_CTRL) || !plugin) {
    if (process.env.CI === 'true')
      throw new Error('mosquitto with its dynamic-security plugin is not installed');
    return null;
  }
  const dir = await makeTempDir('junxiu-dynsec-');
  const port = await freePort();
  const state = join(dir.path, 'dynamic-security.json');
  await run(MOSQUITTO_CTRL, ['dynsec', 'init', state, DYNSEC_ADMIN.username, DYNSEC_ADMIN.password]);
  const config = join(dir.path, 'mosquitto.conf');
  await writeFile(
    config,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `log_dest file ${join(dir.path, 'mosquitto.log')}`,
      'log_type error',
      'log_type warning',
      'log_type notice',
      'log_type information',
      ...(options.persistent
        ? ['persistence true', `persistence_location ${dir.path}/`, 'autosave_interval 1']
        : ['persistence false']),
      // A hub instance's session may hold many presses while it is away (1000 by default).
      'max_queued_messages 100000',
      // Run as root, Mosquitto would drop to its own user, who cannot read this folder.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      `plugin ${plugin}`,
      `plugin_opt_config_file ${state}`,
      '',
    ].join('\n'),
  );
  const start = () => startServerProcess(MOSQUITTO, ['-c', config], () => acceptsConnections(port));
  let server = await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    ctrl: async (...args) => {
      const { stdout, stderr } = await run(MOSQUITTO_CTRL, [
        ...['-h', '127.0.0.1', '-p', String(port)],
        ...['-u', DYNSEC_ADMIN.username, '-P', DYNSEC_ADMIN.password],
        'dynsec',
        ...args,
      ]).catch((error: { stdout?: string; stderr?: string }) => ({
        stdout: error.stdout ?? '',
        stderr: error.stderr ?? '',
      }));
      return `${stdout}${stderr}`;
    },
    restart: async () => {
      await server.kill();
      server = await start();
    },
    log: () => readFile(join(dir.path, 'mosquitto.log'), 'utf8').catch(() => ''),
    stop: async () => {
      await server.kill();
      await dir.remove();
    },
  };
}

/**
 * A device connected to the broker at `url` with its id and secret, as the device itself would.
 * Its account is made when it is registered, and the hub's may still be on its way: tried until
 * the broker takes it.
 */
export function deviceOnBroker(url: string, created: CreatedDevice): Promise<MqttClient> {
  const id = created.device.id;
  return eventually(
    () =>
      new Promise<MqttClient | undefined>((resolve) => {
        const client = mqtt.connect(url, {
          clientId: id,
          username: id,
          password: created.secret,
          protocolVersion: 5,
          reconnectPeriod: 0,
        });
        client.once('connect', () => resolve(client));
        client.once('error', () => {
          client.end(true);
          resolve(undefined);
        });
      }),
  );
}
