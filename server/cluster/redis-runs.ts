/**
 * The per-reading runs of each device (gateway/detect/rules.ts: a run of heart-rate or SpO2
 * readings under way, the recent swings, a low battery reported) in Redis, so that instances taking
 * a device's readings in turn (an external broker shares them out one message at a time) count one
 * run: three high readings raise hr_high whichever instances took them.
 *
 * One string per device, `<prefix>:<device id>`, holding the runs as JSON. A reading reads it,
 * judges, and writes the runs back only if nobody changed them meanwhile (a Lua compare-and-set);
 * otherwise it reads and judges again. Each write expires `ttlMs` after the device's last judged
 * reading, so a device gone quiet leaves nothing behind.
 *
 * When Redis does not answer (not connected, an error, no answer within `timeoutMs`), the caller
 * judges with its own memory (`update` resolves to null) and `onError` is told: an alert is never
 * held up by Redis. Runs judged meanwhile are not carried over to Redis.
 */
import type { Redis } from 'ioredis';
import type { DeviceRuns, SharedRuns } from '../../gateway/index.ts';
import { answerWithin } from './redis.ts';

/** KEYS[1] the device's runs; ARGV: the value read ('' none), the value to keep ('' none), ttl ms. */
const KEEP_IF_UNCHANGED = `
local held = redis.call('GET', KEYS[1]) or ''
if held ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return 1
`;

export interface RedisRunsOptions {
  /** Start of every key, e.g. `junxiu-hub:runs`. */
  prefix: string;
  onError: (error: unknown) => void;
  /** Longest wait for Redis per command before the caller's memory judges (default 500 ms). */
  timeoutMs?: number;
  /** How long a device's runs outlive its last judged reading (default 7 days). */
  ttlMs?: number;
  /** Attempts before giving up to the caller's memory when other instances keep changing them. */
  attempts?: number;
}

export class RedisRuns implements SharedRuns {
  constructor(
    private readonly redis: Redis,
    private readonly options: RedisRunsOptions,
  ) {}

  async update<T>(
    deviceId: string,
    step: (held: DeviceRuns | null) => { runs: DeviceRuns | null; result: T },
  ): Promise<{ result: T } | null> {
    const key = `${this.options.prefix}:${deviceId}`;
    const timeoutMs = this.options.timeoutMs ?? 500;
    const attempts = this.options.attempts ?? 8;
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      const read = await answerWithin(this.redis, timeoutMs, (redis) => redis.get(key));
      if ('error' in read) return this.fail(read.error);
      const held = read.answer ?? '';
      const { runs, result } = step(held ? (JSON.parse(held) as DeviceRuns) : null);
      const next = runs ? JSON.stringify(runs) : '';
      if (next === held) return { result };
      const kept = await answerWithin(this.redis, timeoutMs, (redis) =>
        redis.eval(KEEP_IF_UNCHANGED, 1, key, held, next, String(this.options.ttlMs ?? 7 * 86_400_000)),
      );
      if ('error' in kept) return this.fail(kept.error);
      if (kept.answer === 1) return { result };
    }
    return this.fail(new Error(`runs of ${deviceId} kept changing under ${attempts} attempts`));
  }

  private fail(error: unknown): null {
    try {
      this.options.onError(error);
    } catch {}
    return null;
  }
}
