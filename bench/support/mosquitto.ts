/**
 * The peer broker: Debian's Mosquitto 2.0 on a loopback port with a generated configuration, the
 * same rules the hub applies (a password per device, each device publishing under its own id only),
 * no persistence. Installed with apt-get when missing and running as root.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { acceptsConnections, freePort, makeTempDir, startServerProcess } from '../../test/helpers/tmp.ts';
import type { DeviceCredentials } from './raw-device.ts';

const run = promisify(execFile);
const MOSQUITTO = '/usr/sbin/mosquitto';
const MOSQUITTO_PASSWD = '/usr/bin/mosquitto_passwd';

/** The account the validating subscriber (or Node-RED) reads every device's topics with. */
export const CONSUMER = { username: 'bench-consumer', password: 'bench-consumer-secret' };

export async function ensureMosquitto(log: (line: string) => void): Promise<void> {
  if (existsSync(MOSQUITTO) && existsSync(MOSQUITTO_PASSWD)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      'Mosquitto is not installed: run `sudo apt-get install -y mosquitto`, then the bench again',
    );
  }
  log('  installing mosquitto (apt-get install -y mosquitto)…');
  await run('apt-get', ['install', '-y', 'mosquitto'], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

export interface Mosquitto {
  port: number;
  version: string;
  stop(): Promise<void>;
}

export async function startMosquitto(devices: readonly DeviceCredentials[]): Promise<Mosquitto> {
  const dir = await makeTempDir('junxiu-mosquitto-');
  const port = await freePort();
  const passwords = join(dir.path, 'passwd');
  const acl = join(dir.path, 'acl');
  await writeFile(
    passwords,
    [...devices.map((device) => `${device.id}:${device.secret}`), `${CONSUMER.username}:${CONSUMER.password}`]
      .map((line) => `${line}\n`)
      .join(''),
  );
  // Hashes the plain passwords in place (PBKDF2-SHA512), as an operator would.
  await run(MOSQUITTO_PASSWD, ['-U', passwords]);
  await writeFile(
    acl,
    `user ${CONSUMER.username}
topic read eldercare/v1/#

pattern write eldercare/v1/%u/telemetry
pattern write eldercare/v1/%u/event
pattern write eldercare/v1/%u/status
pattern read eldercare/v1/%u/cmd
`,
  );
  // Started as root, Mosquitto drops to its own user, which must still read these files.
  await chmod(dir.path, 0o755);
  await chmod(passwords, 0o644);
  const config = join(dir.path, 'mosquitto.conf');
  await writeFile(
    config,
    `listener ${port} 127.0.0.1
allow_anonymous false
password_file ${passwords}
acl_file ${acl}
persistence false
# No bound on the queue towards a slow subscriber: the bench counts what arrives, late or not.
max_queued_messages 0
log_dest stderr
log_type error
`,
  );
  const { stdout } = await run(MOSQUITTO, ['-h']).catch((error: { stdout?: string }) => ({
    stdout: error.stdout ?? '',
  }));
  const version = /mosquitto version (\S+)/.exec(stdout)?.[1] ?? 'unknown';
  let server: Awaited<ReturnType<typeof startServerProcess>>;
  try {
    server = await startServerProcess(MOSQUITTO, ['-c', config], () => acceptsConnections(port));
  } catch (error) {
    await dir.remove();
    throw error;
  }
  return {
    port,
    version,
    async stop() {
      await server.kill();
      await dir.remove();
    },
  };
}
