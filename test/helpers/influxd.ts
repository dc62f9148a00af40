/**
 * Starts Debian's InfluxDB 1.x (`/usr/bin/influxd`) for a test suite: HTTP on a free 127.0.0.1
 * port, the RPC (backup) listener on another loopback port, every other listener off, data in a
 * fresh temp folder. `pause()` and `resume()` stop and start the same server on the same port and
 * data, to play a store outage.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  answers,
  freePort,
  makeTempDir,
  type ServerProcess,
  serverBinary,
  startServerProcess,
} from './tmp.ts';

const binaryPath = '/usr/bin/influxd';

/** The influxd binary, or null when missing (which throws instead under `CI=true`). */
export function influxdBinary(): string | null {
  return serverBinary(binaryPath, 'InfluxDB 1.x (influxd)');
}

export interface Influxd {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Stops the server, keeping its port and data, as an outage. */
  pause(): Promise<void>;
  /** Starts it again on the same port and data. */
  resume(): Promise<void>;
  /** Stops it and removes its data. */
  stop(): Promise<void>;
}

function config(dir: string, httpPort: number, rpcPort: number): string {
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false

[monitor]
  store-enabled = false

[subscriber]
  enabled = false

[continuous_queries]
  enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
  pprof-enabled = false
  unix-socket-enabled = false

[ifql]
  enabled = false

[logging]
  level = "error"
  suppress-logo = true

[[graphite]]
  enabled = false

[[collectd]]
  enabled = false

[[opentsdb]]
  enabled = false

[[udp]]
  enabled = false
`;
}

/** Starts influxd, or returns null when it is not installed (outside CI). */
export async function startInfluxd(): Promise<Influxd | null> {
  const binary = influxdBinary();
  if (!binary) return null;
  const dir = await makeTempDir('junxiu-influxd-');
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const configPath = join(dir.path, 'influxdb.conf');
  await writeFile(configPath, config(dir.path, httpPort, rpcPort));
  const url = `http://127.0.0.1:${httpPort}`;
  const launch = (): Promise<ServerProcess> =>
    startServerProcess(binary, ['-config', configPath], () => answers(`${url}/ping`));
  let server: ServerProcess | undefined;
  try {
    server = await launch();
  } catch (error) {
    await dir.remove();
    throw error;
  }
  return {
    url,
    async pause() {
      await server?.kill();
      server = undefined;
    },
    async resume() {
      server ??= await launch();
    },
    async stop() {
      await server?.kill();
      server = undefined;
      await dir.remove();
    },
  };
}
