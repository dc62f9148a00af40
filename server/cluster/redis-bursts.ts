/**
 * The security bursts seen by devices' instances (refused CONNECTs, devices dropping), counted in
 * one window in Redis across the instances: a storm shared out over several instances by an
 * external broker, or a guesser spreading CONNECTs over them, makes one burst as it would on one.
 *
 * Per kind of event, a sorted set of the window's events scored by time (for a count of distinct
 * devices, the device is the member, so a device dropping twice counts once) and a flag set when
 * the burst fired and cleared once the window holds fewer than the threshold again: one alert a
 * burst, whichever instance saw the event that made it. One Lua script a signal.
 *
 * When Redis does not answer, `record` resolves to null and the caller judges with its own window.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type BurstVerdict, burstCap, type SharedBursts } from '../security/burst.ts';
import type { BurstSettings } from '../security/settings.ts';
import { answerWithin } from './redis.ts';

/**
 * KEYS[1] the window, KEYS[2] the fired flag; ARGV: at, member, window ms, threshold, most kept.
 * Returns { events in the window, 1 when this one made the burst }.
 */
const RECORD = `
local at = tonumber(ARGV[1])
local window = tonumber(ARGV[3])
local cap = tonumber(ARGV[5])
redis.call('ZADD', KEYS[1], at, ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', at - window)
local count = redis.call('ZCARD', KEYS[1])
if count > cap then
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, count - cap - 1)
  count = cap
end
redis.call('PEXPIRE', KEYS[1], window)
if count < tonumber(ARGV[4]) then
  redis.call('DEL', KEYS[2])
  return { count, 0 }
end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', window * 10) then return { count, 1 } end
return { count, 0 }
`;

export class RedisBursts implements SharedBursts {
  /** Makes each of this instance's events a member of its own. */
  private readonly source = randomUUID();
  private sequence = 0;

  constructor(
    private readonly redis: Redis,
    private readonly options: {
      /** Start of every key, e.g. `junxiu-hub:bursts`. */
      prefix: string;
      onError: (error: unknown) => void;
      /** Longest wait for Redis before the caller's own window judges (default 500 ms). */
      timeoutMs?: number;
    },
  ) {}

  async record(
    kind: string,
    settings: BurstSettings,
    at: number,
    distinctKey: string | undefined,
  ): Promise<BurstVerdict | null> {
    this.sequence += 1;
    const member = distinctKey === undefined ? `${this.source}:${this.sequence}` : `device:${distinctKey}`;
    const cap = burstCap(settings);
    const outcome = await answerWithin(this.redis, this.options.timeoutMs ?? 500, (redis) =>
      redis.eval(
        RECORD,
        2,
        `${this.options.prefix}:${kind}:window`,
        `${this.options.prefix}:${kind}:fired`,
        String(at),
        member,
        String(settings.windowMs),
        String(settings.threshold),
        String(cap),
      ),
    );
    if ('error' in outcome) {
      try {
        this.options.onError(outcome.error);
      } catch {}
      return null;
    }
    const [count, fired] = outcome.answer as [number, number];
    return { count, fired: fired === 1 };
  }
}
