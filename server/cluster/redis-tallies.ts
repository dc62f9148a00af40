/**
 * The throttles' tallies (gateway/tallies.ts) in Redis, so that the hub's instances behind a load
 * balancer count failed sign-ins and failed MQTT CONNECTs as one: a guesser gains nothing by
 * spreading attempts over instances.
 *
 * One hash per key, `<prefix>:<table>:<id>` (e.g. `junxiu-hub:throttle:login:ip:203.0.113.9`),
 * holding `failures`, `windowStart`, `coolUntil` and, for a device id, its members (`m:<address>`,
 * counted in `members`). A Lua script counts a failure in one step, so failures that reach two
 * instances at once are both counted, and sets PEXPIRE to the end of the window or cool-down,
 * whichever is later: nothing lingers. The lists of known places expire `ttlMs` after their last
 * sign-in. Times are the caller's clock, passed in (the tests' injected clocks work as in memory);
 * instances agree as far as their clocks do: one running ahead of the others ends windows and
 * cool-downs early, one behind them late.
 *
 * When Redis does not answer (not connected, an error, or no answer within `timeoutMs`) the
 * throttles neither lock everyone out nor fail: this process's memory answers instead, and
 * `onError` is told, once per operation (count it; log it bounded). Every write also goes to that
 * memory, so each instance still holds the failures it saw and a guesser is still slowed, per
 * instance, through an outage. What memory holds may be stale (an address another instance cleared
 * by a sign-in); it is read only while Redis is away. Failures counted while Redis was away are not
 * carried over to it.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  isLive,
  MemoryTallies,
  type RecentLists,
  type Tallies,
  type Tally,
  type TallyRead,
  type TallyRule,
  type TallyStore,
} from '../../gateway/index.ts';
import { answerWithin } from './redis.ts';

export interface RedisTallyOptions {
  /** Start of every key, e.g. `junxiu-hub:throttle`. */
  prefix: string;
  /** Told of each operation memory answered because Redis did not. */
  onError: (error: unknown) => void;
  /** Longest wait for Redis before memory answers (default 500 ms). */
  timeoutMs?: number;
  /** Keys per table in the fallback memory (default 10 000). */
  maxEntries?: number;
}

/**
 * One failure more, as `counted()` in gateway/tallies.ts computes it (keep the two alike).
 * KEYS[1] the tally; ARGV: now, windowMs, coolAt, cooldownMs, onCool, maxMembers, member ('' none).
 */
const COUNT = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local coolAt = tonumber(ARGV[3])
local cooldown = tonumber(ARGV[4])
local restart = ARGV[5] == 'restart'
local maxMembers = tonumber(ARGV[6])
local member = ARGV[7]
local failures, start, cool = 0, now, 0
local held = redis.call('HMGET', key, 'failures', 'windowStart', 'coolUntil')
if held[1] then
  local heldStart, heldCool = tonumber(held[2]), tonumber(held[3])
  if now - heldStart < window or heldCool > now then
    failures, start, cool = tonumber(held[1]), heldStart, heldCool
  else
    redis.call('DEL', key)
  end
end
if restart and now - start >= window then
  start = now
  failures = 0
end
failures = failures + 1
if coolAt > 0 and failures >= coolAt then
  cool = now + cooldown
  if restart then
    failures = 0
    start = now
  end
end
local function whole(n) return string.format('%.0f', n) end
redis.call('HSET', key, 'failures', whole(failures), 'windowStart', whole(start), 'coolUntil', whole(cool))
if member ~= '' and maxMembers > 0 and redis.call('HEXISTS', key, 'm:' .. member) == 0
  and tonumber(redis.call('HGET', key, 'members') or '0') < maxMembers then
  redis.call('HSET', key, 'm:' .. member, '1')
  redis.call('HINCRBY', key, 'members', 1)
end
redis.call('PEXPIRE', key, whole(math.max(1, math.max(start + window, cool) - now)))
return {whole(failures), whole(start), whole(cool)}
`;

/** KEYS[1] the tally; ARGV[1] 'unlessCooled' to keep a tally that cooled down. */
const FORGET = `
if ARGV[1] == 'unlessCooled' then
  local cool = redis.call('HGET', KEYS[1], 'coolUntil')
  if cool and tonumber(cool) ~= 0 then return 0 end
end
return redis.call('DEL', KEYS[1])
`;

/** KEYS[1] the list; ARGV: item, keep, ttlMs. */
const REMEMBER = `
redis.call('LREM', KEYS[1], 0, ARGV[1])
local keep = tonumber(ARGV[2])
if keep < 1 then return redis.call('DEL', KEYS[1]) end
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, keep - 1)
return redis.call('PEXPIRE', KEYS[1], ARGV[3])
`;

/** A Lua script run by its SHA-1, sent whole once when Redis does not know it yet. */
function script(lua: string) {
  const sha = createHash('sha1').update(lua).digest('hex');
  return async (redis: Redis, key: string, ...args: (string | number)[]): Promise<unknown> => {
    try {
      return await redis.evalsha(sha, 1, key, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(lua, 1, key, ...args);
    }
  };
}

const runCount = script(COUNT);
const runForget = script(FORGET);
const runRemember = script(REMEMBER);

export class RedisTallies implements TallyStore {
  /** Answers while Redis does not; every write goes here too. */
  private readonly memory: MemoryTallies;
  private readonly timeoutMs: number;

  constructor(
    readonly redis: Redis,
    private readonly options: RedisTallyOptions,
  ) {
    this.memory = new MemoryTallies(options.maxEntries ?? 10_000);
    this.timeoutMs = options.timeoutMs ?? 500;
  }

  tallies(table: string): Tallies {
    return new RedisTallyTable(this, `${this.options.prefix}:${table}:`, this.memory.tallies(table));
  }

  lists(table: string): RecentLists {
    return new RedisLists(this, `${this.options.prefix}:${table}:`, this.memory.lists(table));
  }

  /** Redis's answer to `command`, or `fallback`'s when Redis is away, fails or is late. */
  async answer<T>(command: (redis: Redis) => Promise<T>, fallback: () => T | Promise<T>): Promise<T> {
    const outcome = await answerWithin(this.redis, this.timeoutMs, command);
    if ('answer' in outcome) return outcome.answer;
    this.report(outcome.error);
    return fallback();
  }

  /** A throwing `onError` must not turn a fallback into a failed sign-in or CONNECT. */
  private report(error: unknown): void {
    try {
      this.options.onError(error);
    } catch {}
  }
}

class RedisTallyTable implements Tallies {
  constructor(
    private readonly store: RedisTallies,
    private readonly keyPrefix: string,
    private readonly memory: Tallies,
  ) {}

  read(id: string, now: number, windowMs: number, member?: string): Promise<TallyRead | undefined> {
    return this.store.answer(
      async (redis) => {
        const fields = ['failures', 'windowStart', 'coolUntil'];
        if (member !== undefined) fields.push(`m:${member}`);
        const [failures, windowStart, coolUntil, isMember] = await redis.hmget(
          this.keyPrefix + id,
          ...fields,
        );
        if (failures == null || windowStart == null || coolUntil == null) return undefined;
        const tally = {
          failures: Number(failures),
          windowStart: Number(windowStart),
          coolUntil: Number(coolUntil),
        };
        return isLive(tally, now, windowMs) ? { ...tally, hasMember: isMember != null } : undefined;
      },
      () => this.memory.read(id, now, windowMs, member),
    );
  }

  async count(id: string, rule: TallyRule, now: number, member?: string): Promise<Tally> {
    const local = await this.memory.count(id, rule, now, member);
    return this.store.answer(
      async (redis) => {
        const [failures, windowStart, coolUntil] = (await runCount(
          redis,
          this.keyPrefix + id,
          now,
          rule.windowMs,
          rule.coolAt,
          rule.cooldownMs,
          rule.onCool,
          rule.maxMembers,
          member ?? '',
        )) as [string, string, string];
        return { failures: Number(failures), windowStart: Number(windowStart), coolUntil: Number(coolUntil) };
      },
      () => local,
    );
  }

  async forget(id: string, options?: { unlessCooled: boolean }): Promise<void> {
    await this.memory.forget(id, options);
    await this.store.answer(
      async (redis) => {
        await runForget(redis, this.keyPrefix + id, options?.unlessCooled ? 'unlessCooled' : '');
      },
      () => undefined,
    );
  }

  /** Redis expires its keys itself; the fallback memory is pruned. */
  prune(now: number): void {
    this.memory.prune(now);
  }
}

class RedisLists implements RecentLists {
  constructor(
    private readonly store: RedisTallies,
    private readonly keyPrefix: string,
    private readonly memory: RecentLists,
  ) {}

  list(id: string): Promise<string[]> {
    return this.store.answer(
      (redis) => redis.lrange(this.keyPrefix + id, 0, -1),
      () => this.memory.list(id),
    );
  }

  async remember(id: string, item: string, keep: number, ttlMs: number): Promise<void> {
    await this.memory.remember(id, item, keep, ttlMs);
    await this.store.answer(
      async (redis) => {
        await runRemember(redis, this.keyPrefix + id, item, keep, Math.max(1, Math.round(ttlMs)));
      },
      () => undefined,
    );
  }
}
