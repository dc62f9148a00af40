import { describe, expect, it } from 'vitest';
import { MemoryTallies } from '../../gateway/index.ts';
import { DEFAULT_THROTTLE, LoginThrottle } from '../../server/auth/throttle.ts';

function clock(start = 1_800_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('sign-in throttle', () => {
  it('refuses an address after its failures, for a cool-down, and that address only', async () => {
    const time = clock();
    const throttle = new LoginThrottle({ ...DEFAULT_THROTTLE, perIp: 3, perAccount: 100 }, time.now);
    for (let i = 0; i < 3; i += 1) {
      expect((await throttle.check(`guess${i}`, '203.0.113.9')).kind).toBe('allow');
      await throttle.failed(`guess${i}`, '203.0.113.9');
    }
    expect(await throttle.check('anyone', '203.0.113.9')).toStrictEqual({
      kind: 'refuse',
      reason: 'ip',
      retryAfterSeconds: 300,
    });
    expect(await throttle.check('anyone', '198.51.100.7')).toStrictEqual({ kind: 'allow', delayMs: 0 });
    time.advance(300_000);
    expect((await throttle.check('anyone', '203.0.113.9')).kind).toBe('allow');
  });

  it('delays answers for an attacked account, doubling, capped, and never for a known place', async () => {
    const time = clock();
    const throttle = new LoginThrottle(
      { ...DEFAULT_THROTTLE, perIp: 1000, perAccount: 2, baseDelayMs: 500, maxDelayMs: 4000 },
      time.now,
    );
    await throttle.succeeded('zhang.wei', '10.0.0.5'); // the duty desk
    const delays: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const verdict = await throttle.check('zhang.wei', `198.51.100.${i}`);
      delays.push(verdict.kind === 'allow' ? verdict.delayMs : -1);
      await throttle.failed('zhang.wei', `198.51.100.${i}`);
    }
    expect(delays).toStrictEqual([0, 0, 500, 1000, 2000, 4000, 4000]);
    expect(await throttle.check('zhang.wei', '10.0.0.5')).toStrictEqual({ kind: 'allow', delayMs: 0 });
  });

  it('refuses a heavily attacked account to new places only, until its window passes', async () => {
    const time = clock();
    const throttle = new LoginThrottle(
      { ...DEFAULT_THROTTLE, perIp: 1000, perAccount: 2, accountRefuseAt: 5 },
      time.now,
    );
    await throttle.succeeded('li.na', '10.0.0.8');
    for (let i = 0; i < 5; i += 1) await throttle.failed('li.na', `192.0.2.${i}`);
    const refused = await throttle.check('li.na', '192.0.2.200');
    expect(refused).toMatchObject({ kind: 'refuse', reason: 'account' });
    expect(await throttle.check('li.na', '10.0.0.8')).toStrictEqual({ kind: 'allow', delayMs: 0 });
    time.advance(DEFAULT_THROTTLE.windowMs);
    expect(await throttle.check('li.na', '192.0.2.200')).toStrictEqual({ kind: 'allow', delayMs: 0 });
  });

  it('keeps bounded memory under a spray of names and addresses', async () => {
    const tallies = new MemoryTallies(100);
    const throttle = new LoginThrottle(DEFAULT_THROTTLE, clock().now, tallies);
    for (let i = 0; i < 5000; i += 1) {
      await throttle.failed(`user${i}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      await throttle.succeeded(`user${i}`, '10.9.9.9');
    }
    const sizes = tallies.sizes();
    expect(Object.keys(sizes).sort()).toStrictEqual(['login:account', 'login:ip', 'login:places']);
    for (const size of Object.values(sizes)) expect(size).toBeLessThanOrEqual(100);
  });
});
