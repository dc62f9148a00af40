/**
 * The sign-in and MQTT CONNECT throttles of several hub instances over one real Redis count as one:
 * failures spread over instances add up, a sign-in on one clears the address on all, known places
 * are shared, and every key expires with its window or cool-down. Over Redis the throttles answer
 * as they do in memory, step for step. When Redis is away or silent they answer from memory, and
 * still slow a guesser. Each instance has a connection of its own; each test keys of its own.
 */
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../devices/bus.ts';
import { ConnectCheck } from '../../gateway/broker/connect-check.ts';
import {
  type Admission,
  type FailedConnectSettings,
  FailedConnects,
} from '../../gateway/broker/failed-connects.ts';
import { MemoryTallies } from '../../gateway/index.ts';
import {
  DEFAULT_THROTTLE,
  LoginThrottle,
  type ThrottleSettings,
  type ThrottleVerdict,
} from '../../server/auth/throttle.ts';
import { RedisTallies } from '../../server/cluster/redis-tallies.ts';
import { type RedisServer, startRedis } from '../helpers/redis.ts';
import { freePort } from '../helpers/tmp.ts';

const redis: RedisServer | null = await startRedis();

const T0 = 1_800_000_000_000;

function clock(start = T0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** A deterministic sequence of numbers in [0, 1). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const silentLog = { info() {}, warn() {}, error() {} };

function kindOf(verdict: ThrottleVerdict | Admission): string {
  if ('kind' in verdict) {
    if (verdict.kind === 'refuse') return `refuse ${verdict.reason}`;
    return verdict.delayMs > 0 ? 'allow after a delay' : 'allow';
  }
  if (verdict.verdict === 'refuse') return `refuse ${verdict.reason}`;
  return verdict.delayMs > 0 ? 'check after a delay' : 'check';
}

describe.skipIf(redis === null)('throttles of two instances over one Redis', () => {
  const connections: Redis[] = [];
  let tests = 0;

  function connect(url = (redis as RedisServer).url): Redis {
    const connection = new Redis(url);
    connection.on('error', () => {});
    connections.push(connection);
    return connection;
  }

  /** The tally stores of two instances, on connections of their own, under a prefix of this test's. */
  function twoInstances() {
    tests += 1;
    const prefix = `junxiu-hub-test-${tests}:throttle`;
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    return {
      prefix,
      errors,
      a: new RedisTallies(connect(), { prefix, onError }),
      b: new RedisTallies(connect(), { prefix, onError }),
    };
  }

  afterAll(async () => {
    for (const connection of connections) connection.disconnect();
    await redis?.stop();
  });

  it('cools an address down on both when its sign-in failures are spread over them', async () => {
    const { a, b, errors } = twoInstances();
    const time = clock();
    const settings = { ...DEFAULT_THROTTLE, perIp: 4, perAccount: 100 };
    const [one, two] = [new LoginThrottle(settings, time.now, a), new LoginThrottle(settings, time.now, b)];
    for (let i = 0; i < 4; i += 1) {
      const instance = i % 2 === 0 ? one : two;
      expect((await instance.check(`guess${i}`, '203.0.113.9')).kind).toBe('allow');
      await instance.failed(`guess${i}`, '203.0.113.9');
    }
    const refused = { kind: 'refuse', reason: 'ip', retryAfterSeconds: 300 };
    expect(await one.check('anyone', '203.0.113.9')).toStrictEqual(refused);
    expect(await two.check('anyone', '203.0.113.9')).toStrictEqual(refused);
    expect(await two.check('anyone', '198.51.100.7')).toStrictEqual({ kind: 'allow', delayMs: 0 });
    time.advance(300_000);
    expect((await one.check('anyone', '203.0.113.9')).kind).toBe('allow');
    expect(errors).toStrictEqual([]);
  });

  it('delays, then refuses, an account attacked through both, but never at a place known to either', async () => {
    const { a, b, errors } = twoInstances();
    const time = clock();
    const settings = {
      ...DEFAULT_THROTTLE,
      perIp: 1000,
      perAccount: 2,
      accountRefuseAt: 6,
      baseDelayMs: 500,
      maxDelayMs: 4000,
    };
    const [one, two] = [new LoginThrottle(settings, time.now, a), new LoginThrottle(settings, time.now, b)];
    await one.succeeded('Zhang.Wei', '10.0.0.5'); // the duty desk, through the first instance
    const delays: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const instance = i % 2 === 0 ? two : one;
      const verdict = await instance.check('zhang.wei', `198.51.100.${i}`);
      delays.push(verdict.kind === 'allow' ? verdict.delayMs : -1);
      await instance.failed('zhang.wei', `198.51.100.${i}`);
    }
    expect(delays).toStrictEqual([0, 0, 500, 1000, 2000, 4000]);
    expect(await one.check('zhang.wei', '192.0.2.200')).toMatchObject({ kind: 'refuse', reason: 'account' });
    expect(await two.check('zhang.wei', '192.0.2.200')).toMatchObject({ kind: 'refuse', reason: 'account' });
    expect(await two.check('zhang.wei', '10.0.0.5')).toStrictEqual({ kind: 'allow', delayMs: 0 });
    expect(await two.isKnownPlace('zhang.wei', '10.0.0.5')).toBe(true);
    time.advance(settings.windowMs);
    expect(await two.check('zhang.wei', '192.0.2.200')).toStrictEqual({ kind: 'allow', delayMs: 0 });
    expect(errors).toStrictEqual([]);
  });

  it('clears an address on both when it signs in through one', async () => {
    const { a, b } = twoInstances();
    const time = clock();
    const settings = { ...DEFAULT_THROTTLE, perIp: 3, perAccount: 100 };
    const [one, two] = [new LoginThrottle(settings, time.now, a), new LoginThrottle(settings, time.now, b)];
    await one.failed('wang.fang', '203.0.113.20');
    await one.failed('wang.fang', '203.0.113.20');
    await two.succeeded('wang.fang', '203.0.113.20');
    await one.failed('wang.fang', '203.0.113.20');
    await one.failed('wang.fang', '203.0.113.20');
    expect(await two.check('wang.fang', '203.0.113.20')).toStrictEqual({ kind: 'allow', delayMs: 0 });
    await two.failed('wang.fang', '203.0.113.20');
    expect(await one.check('wang.fang', '203.0.113.20')).toMatchObject({ kind: 'refuse', reason: 'ip' });
  });

  it('refuses an address and the addresses of a cooled device id on both when CONNECTs fail through either', async () => {
    const { a, b, errors } = twoInstances();
    const settings: FailedConnectSettings = {
      perIp: 3,
      perUsername: 2,
      windowMs: 60_000,
      cooldownMs: 300_000,
      delayMs: 1000,
    };
    const [one, two] = [new FailedConnects(settings, a), new FailedConnects(settings, b)];
    await one.failed('10.0.0.1', undefined, T0);
    await two.failed('10.0.0.1', undefined, T0 + 10);
    expect(await one.admit('10.0.0.1', undefined, T0 + 20)).toStrictEqual({ verdict: 'check', delayMs: 0 });
    await one.failed('10.0.0.1', undefined, T0 + 20);
    for (const instance of [one, two]) {
      expect(await instance.admit('10.0.0.1', 'watch-9', T0 + 30)).toStrictEqual({
        verdict: 'refuse',
        reason: 'ip_cooldown',
      });
    }
    // A good secret clears an address that has not cooled down, on both; a cooled one stays cooled.
    await one.failed('10.0.0.7', undefined, T0);
    await two.failed('10.0.0.7', undefined, T0);
    await one.succeeded('10.0.0.7');
    await two.succeeded('10.0.0.1');
    await two.failed('10.0.0.7', undefined, T0 + 40);
    expect(await two.admit('10.0.0.7', undefined, T0 + 50)).toStrictEqual({ verdict: 'check', delayMs: 0 });
    expect(await one.admit('10.0.0.1', undefined, T0 + 50)).toMatchObject({ verdict: 'refuse' });

    await one.failed('10.0.0.2', 'watch-1', T0 + 100);
    await two.failed('10.0.0.3', 'watch-1', T0 + 110);
    const usernameRefused = { verdict: 'refuse', reason: 'username_cooldown' };
    expect(await two.admit('10.0.0.2', 'watch-1', T0 + 120)).toStrictEqual(usernameRefused);
    expect(await one.admit('10.0.0.3', 'watch-1', T0 + 120)).toStrictEqual(usernameRefused);
    expect(await one.admit('10.0.0.4', 'watch-1', T0 + 120)).toStrictEqual({
      verdict: 'check',
      delayMs: 1000,
    });
    expect(await two.admit('10.0.0.4', 'watch-2', T0 + 120)).toStrictEqual({ verdict: 'check', delayMs: 0 });
    expect(await two.admit('10.0.0.2', 'watch-1', T0 + 110 + 300_000)).toStrictEqual({
      verdict: 'check',
      delayMs: 0,
    });
    expect(errors).toStrictEqual([]);
  });

  it('refuses a guesser at one instance once it failed at the other (ConnectCheck)', async () => {
    const { a, b } = twoInstances();
    const directory = {
      authenticate: async (deviceId: string, secret: string) =>
        secret === 'right' && deviceId === 'pendant-1' ? { type: 'sos_pendant', retireeId: null } : null,
      lookup: () => undefined,
      bridged: () => [],
    };
    const check = (tallies: RedisTallies) =>
      new ConnectCheck({
        directory,
        bus: new EventBus(),
        log: silentLog,
        failedConnects: { perIp: 2, perUsername: 100, windowMs: 60_000, cooldownMs: 60_000, delayMs: 0 },
        tallies,
      });
    const [one, two] = [check(a), check(b)];
    const guess = { clientId: 'pendant-1', username: 'pendant-1', address: '192.0.2.50' };
    expect(await one.decide({ ...guess, password: 'wrong-1' })).toMatchObject({ reason: 'bad_secret' });
    expect(await two.decide({ ...guess, password: 'wrong-2' })).toMatchObject({ reason: 'bad_secret' });
    expect(await one.decide({ ...guess, password: 'right' })).toMatchObject({ reason: 'ip_cooldown' });
    expect(await two.decide({ ...guess, address: '192.0.2.51', password: 'right' })).toMatchObject({
      allow: true,
    });
  });

  it('lets every key expire with its window or cool-down, and the known places after their time', async () => {
    const { a, prefix } = twoInstances();
    const client = connect();
    const time = clock();
    const settings: ThrottleSettings = {
      ...DEFAULT_THROTTLE,
      perIp: 2,
      windowMs: 60_000,
      cooldownMs: 600_000,
      knownPlacesTtlMs: 3_600_000,
    };
    const login = new LoginThrottle(settings, time.now, a);
    await login.failed('chen.jie', '203.0.113.30');
    await login.succeeded('chen.jie', '203.0.113.30');
    await login.failed('li.na', '203.0.113.31');
    await login.failed('li.na', '203.0.113.31');
    const connects = new FailedConnects(
      { perIp: 5, perUsername: 1, windowMs: 60_000, cooldownMs: 120_000, delayMs: 0 },
      a,
    );
    await connects.failed('10.0.0.1', 'watch-1', T0);

    /** The key's time to live is `expected`, less what passed since it was set. */
    const within = async (key: string, expected: number) => {
      const left = await client.pttl(`${prefix}:${key}`);
      expect(left, key).toBeGreaterThan(expected - 5_000);
      expect(left, key).toBeLessThanOrEqual(expected);
    };
    await within('login:ip:203.0.113.31', 600_000); // cooled down: until the cool-down is over
    await within('login:account:li.na', 60_000); // the window
    await within('login:account:chen.jie', 60_000);
    await within('login:places:chen.jie', 3_600_000);
    await within('mqtt:username:watch-1', 120_000);
    await within('mqtt:ip:10.0.0.1', 60_000);
    expect(await client.exists(`${prefix}:login:ip:203.0.113.30`)).toBe(0); // cleared by the sign-in
    const keys = await client.keys(`${prefix}:*`);
    expect(keys.length).toBe(6);
    for (const key of keys) expect(await client.pttl(key), key).toBeGreaterThan(0);
  });

  it('answers over Redis exactly as in memory, step by step, whichever instance is asked', async () => {
    const { a, b, errors } = twoInstances();
    const next = random(2839);
    const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)] as T;
    const time = clock();
    const settings = {
      ...DEFAULT_THROTTLE,
      perIp: 3,
      perAccount: 2,
      accountRefuseAt: 5,
      windowMs: 60_000,
      cooldownMs: 90_000,
      knownPlacesPerAccount: 2,
    };
    const memory = new LoginThrottle(settings, time.now, new MemoryTallies());
    const shared = [new LoginThrottle(settings, time.now, a), new LoginThrottle(settings, time.now, b)];
    const connectSettings = {
      perIp: 3,
      perUsername: 2,
      windowMs: 30_000,
      cooldownMs: 120_000,
      delayMs: 1000,
    };
    const memoryConnects = new FailedConnects(connectSettings, new MemoryTallies());
    const sharedConnects = [new FailedConnects(connectSettings, a), new FailedConnects(connectSettings, b)];
    const ips = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'];
    const accounts = ['zhang.wei', 'li.na', 'Wang.Fang'];
    const devices = ['watch-1', 'watch-2', undefined];
    const addresses = [...ips, undefined];
    const verdicts: Record<'memory' | 'redis', (ThrottleVerdict | Admission)[]> = { memory: [], redis: [] };
    for (let step = 0; step < 1000; step += 1) {
      // Mostly a few seconds, now and then past any window and cool-down.
      time.advance(next() < 0.03 ? 100_000 : Math.floor(next() * 3_000));
      const [account, ip] = [pick(accounts), pick(ips)];
      const [device, address] = [pick(devices), pick(addresses)];
      const login = pick(shared);
      const connects = pick(sharedConnects);
      const roll = next();
      if (roll < 0.35) {
        verdicts.memory.push(await memory.check(account, ip));
        verdicts.redis.push(await login.check(account, ip));
      } else if (roll < 0.6) {
        await memory.failed(account, ip);
        await login.failed(account, ip);
      } else if (roll < 0.65) {
        await memory.succeeded(account, ip);
        await login.succeeded(account, ip);
      } else if (roll < 0.8) {
        verdicts.memory.push(await memoryConnects.admit(address, device, time.now()));
        verdicts.redis.push(await connects.admit(address, device, time.now()));
      } else if (roll < 0.97) {
        await memoryConnects.failed(address, device, time.now());
        await connects.failed(address, device, time.now());
      } else {
        await memoryConnects.succeeded(address);
        await connects.succeeded(address);
      }
    }
    expect(verdicts.redis).toStrictEqual(verdicts.memory);
    // The walk reached every kind of answer, so the comparison says something.
    const kinds = new Set(verdicts.memory.map(kindOf));
    expect([...kinds].sort()).toStrictEqual([
      'allow',
      'allow after a delay',
      'check',
      'check after a delay',
      'refuse account',
      'refuse ip',
      'refuse ip_cooldown',
      'refuse username_cooldown',
    ]);
    expect(errors).toStrictEqual([]);
  });

  it("keeps at most the rule's number of members per tally, in memory as in Redis", async () => {
    const { a } = twoInstances();
    const rule = { windowMs: 60_000, coolAt: 0, cooldownMs: 0, onCool: 'restart', maxMembers: 2 } as const;
    for (const tallies of [a.tallies('cap'), new MemoryTallies().tallies('cap')]) {
      for (const member of ['10.0.0.1', '10.0.0.2', '10.0.0.1', '10.0.0.3']) {
        await tallies.count('watch-1', rule, T0, member);
      }
      const members = await Promise.all(
        ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map(
          async (member) => (await tallies.read('watch-1', T0, 60_000, member))?.hasMember,
        ),
      );
      expect(members).toStrictEqual([true, true, false]);
      expect(await tallies.read('watch-1', T0, 60_000)).toStrictEqual({
        failures: 4,
        windowStart: T0,
        coolUntil: 0,
        hasMember: false,
      });
    }
  });

  it('answers from memory, and still slows a guesser, while Redis is not there', async () => {
    const errors: unknown[] = [];
    const nobody = connect(`redis://127.0.0.1:${await freePort()}`);
    const tallies = new RedisTallies(nobody, { prefix: 'away', onError: (error) => errors.push(error) });
    const time = clock();
    const throttle = new LoginThrottle({ ...DEFAULT_THROTTLE, perIp: 3, perAccount: 100 }, time.now, tallies);
    for (let i = 0; i < 3; i += 1) {
      expect((await throttle.check('anyone', '203.0.113.9')).kind).toBe('allow');
      await throttle.failed('anyone', '203.0.113.9');
    }
    expect(await throttle.check('anyone', '203.0.113.9')).toMatchObject({ kind: 'refuse', reason: 'ip' });
    await throttle.succeeded('anyone', '198.51.100.1');
    expect(await throttle.isKnownPlace('anyone', '198.51.100.1')).toBe(true);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((error) => error instanceof Error)).toBe(true);
  });

  it('answers from memory within its time limit when Redis accepts but never answers', async () => {
    const silent = net.createServer(() => {});
    const port = await freePort();
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    try {
      const errors: unknown[] = [];
      const tallies = new RedisTallies(connect(`redis://127.0.0.1:${port}`), {
        prefix: 'silent',
        timeoutMs: 200,
        onError: (error) => errors.push(error),
      });
      const connects = new FailedConnects(
        { perIp: 2, perUsername: 100, windowMs: 60_000, cooldownMs: 60_000, delayMs: 0 },
        tallies,
      );
      const started = performance.now();
      await connects.failed('10.0.0.1', 'watch-1', T0);
      await connects.failed('10.0.0.1', 'watch-1', T0);
      expect(await connects.admit('10.0.0.1', 'watch-1', T0)).toStrictEqual({
        verdict: 'refuse',
        reason: 'ip_cooldown',
      });
      // Three operations, each given up after 200 ms (two counts at once per failure, two reads at once).
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(String(errors[0])).toMatch(/did not answer within 200 ms/);
    } finally {
      silent.close();
    }
  });
});
