/**
 * Debian's HAProxy (2.6) running the configuration shipped in deploy/haproxy.cfg, in front of two
 * hub instances, on free loopback ports. A missing binary skips the suite, except under `CI=true`,
 * where it fails it.
 */
import { join } from 'node:path';
import { acceptsConnections, freePort, serverBinary, startServerProcess } from './tmp.ts';

export const HAPROXY_CONFIG = join(import.meta.dirname, '..', '..', 'deploy', 'haproxy.cfg');

/** Where one hub instance listens: its HTTP port and its watch ports. */
export interface InstancePorts {
  http: number;
  '3g': number;
  iw: number;
  jt808: number;
}

export interface Haproxy {
  url: string;
  ports: { http: number; '3g': number; iw: number; jt808: number };
  stop(): Promise<void>;
}

export function haproxyBinary(): string | null {
  return serverBinary('/usr/sbin/haproxy', 'haproxy');
}

export async function startHaproxy(one: InstancePorts, two: InstancePorts): Promise<Haproxy | null> {
  const binary = haproxyBinary();
  if (!binary) return null;
  const ports = {
    http: await freePort(),
    '3g': await freePort(),
    iw: await freePort(),
    jt808: await freePort(),
  };
  const at = (port: number) => `127.0.0.1:${port}`;
  const env = {
    HAPROXY_HTTP_BIND: at(ports.http),
    HAPROXY_3G_BIND: at(ports['3g']),
    HAPROXY_IW_BIND: at(ports.iw),
    HAPROXY_JT808_BIND: at(ports.jt808),
    HUB_ONE_HTTP: at(one.http),
    HUB_TWO_HTTP: at(two.http),
    HUB_ONE_3G: at(one['3g']),
    HUB_TWO_3G: at(two['3g']),
    HUB_ONE_IW: at(one.iw),
    HUB_TWO_IW: at(two.iw),
    HUB_ONE_JT808: at(one.jt808),
    HUB_TWO_JT808: at(two.jt808),
  };
  // -db: in the foreground, no daemon.
  const server = await startServerProcess(
    binary,
    ['-db', '-f', HAPROXY_CONFIG],
    () => acceptsConnections(ports.http),
    20_000,
    env,
  );
  return { url: `http://${at(ports.http)}`, ports, stop: () => server.kill() };
}
