/**
 * The Redis the hub instances share (HUB_REDIS_URL): socket.io's rooms (server/live/channel.ts)
 * and the sign-in and CONNECT throttles. Each client reconnects by itself, backing off up to 2 s;
 * the hub starts and runs while Redis is away (an alert still reaches the dashboards of the
 * instance that stored it), and says so once per outage rather than at every attempt.
 */
import { Redis, type RedisStatus } from 'ioredis';
import type { Logger } from 'pino';

export function connectRedis(
  url: string,
  name: string,
  log: Logger,
  options: { pipelined?: boolean } = {},
): Redis {
  const client = new Redis(url, {
    connectionName: `junxiu-hub-${name}`,
    // Commands issued in one turn of the event loop go out in one write: a reading's runs, a
    // sign-in's tallies and the live channel's messages no longer cost a system call each.
    enableAutoPipelining: options.pipelined === true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    // A command waits for a reconnection a little, then fails rather than hold its caller.
    maxRetriesPerRequest: 2,
  });
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log.error({ err: error.message, redis: name }, 'Redis unreachable; retrying');
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log.warn({ redis: name }, 'Redis reachable again');
  });
  return client;
}

/** Closes a client: politely when it is connected, at once otherwise. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}

/**
 * The hub's connections to the shared Redis: one for commands, one for detection's, one per
 * subscriber. Detection's commands (a reading's runs, a security signal) come with every device
 * message and may queue up under a flood of readings: on a connection of their own, they never hold
 * up an alert's message to the dashboards or a sign-in's tallies behind them.
 */
export interface SharedRedis {
  /** Commands and publishing: throttle tallies, the live channel's and the relay's messages. */
  publish: Redis;
  /** Detection's commands: the per-reading runs and the security bursts' window. */
  detect: Redis;
  /** The live channel's subscriber (socket.io's adapter). */
  subscribe: Redis;
  /** The cluster relay's subscriber. */
  relay: Redis;
  close(): Promise<void>;
}

export function connectSharedRedis(url: string, log: Logger): SharedRedis {
  const publish = connectRedis(url, 'publish', log, { pipelined: true });
  const detect = connectRedis(url, 'detect', log, { pipelined: true });
  const subscribe = connectRedis(url, 'live-subscribe', log);
  const relay = connectRedis(url, 'relay-subscribe', log);
  return {
    publish,
    detect,
    subscribe,
    relay,
    close: async () => {
      await Promise.all([closeRedis(publish), closeRedis(detect), closeRedis(subscribe), closeRedis(relay)]);
    },
  };
}

/** With these, a command would wait in ioredis' queue for a connection. */
const UNCONNECTED: ReadonlySet<RedisStatus> = new Set(['reconnecting', 'close', 'end']);

/**
 * Redis's answer to `command` within `timeoutMs`, or why there is none (not connected, an error,
 * too late): for callers that answer from their own memory meanwhile rather than wait.
 */
export async function answerWithin<T>(
  redis: Redis,
  timeoutMs: number,
  command: (redis: Redis) => Promise<T>,
): Promise<{ answer: T } | { error: unknown }> {
  const status = redis.status;
  if (UNCONNECTED.has(status)) return { error: new Error(`redis is not connected (${status})`) };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return { answer: await Promise.race([command(redis), late]) };
  } catch (error) {
    return { error };
  } finally {
    clearTimeout(timer);
  }
}
