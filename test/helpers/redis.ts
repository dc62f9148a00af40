/**
 * Debian's Redis (7.0) on a free loopback port with a folder of its own, nothing saved to disk.
 * A missing binary skips the suite, except under `CI=true`, where it fails it.
 */
import { existsSync } from 'node:fs';
import { acceptsConnections, freePort, makeTempDir, startServerProcess } from './tmp.ts';

const REDIS = '/usr/bin/redis-server';

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer | null> {
  if (!existsSync(REDIS)) {
    if (process.env.CI === 'true') throw new Error('redis-server is not installed');
    return null;
  }
  const dir = await makeTempDir('junxiu-redis-');
  const port = await freePort();
  const server = await startServerProcess(
    REDIS,
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir.path],
      ...['--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
    ],
    () => acceptsConnections(port),
  );
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await server.kill();
      await dir.remove();
    },
  };
}
