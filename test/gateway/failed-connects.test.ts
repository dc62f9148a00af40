import { describe, expect, it } from 'vitest';
import { FailedConnects } from '../../gateway/broker/failed-connects.ts';

const settings = { perIp: 3, perUsername: 2, windowMs: 60_000, cooldownMs: 300_000, delayMs: 1000 };
const T0 = Date.UTC(2026, 10, 29, 1, 0, 0);

describe('failed CONNECT tallies over a fixed clock', () => {
  it('cools an address down after its failures in the window, and lets it back after the cool-down', async () => {
    const tally = new FailedConnects(settings);
    await tally.failed('10.0.0.1', undefined, T0);
    await tally.failed('10.0.0.1', undefined, T0 + 1000);
    expect(await tally.admit('10.0.0.1', 'watch-1', T0 + 2000)).toStrictEqual({
      verdict: 'check',
      delayMs: 0,
    });
    await tally.failed('10.0.0.1', undefined, T0 + 2000);
    expect(await tally.admit('10.0.0.1', 'watch-1', T0 + 3000)).toStrictEqual({
      verdict: 'refuse',
      reason: 'ip_cooldown',
    });
    expect(await tally.admit('10.0.0.2', 'watch-1', T0 + 3000)).toStrictEqual({
      verdict: 'check',
      delayMs: 0,
    });
    expect(await tally.admit('10.0.0.1', 'watch-1', T0 + 2000 + 300_000)).toStrictEqual({
      verdict: 'check',
      delayMs: 0,
    });
  });

  it('forgets failures older than the window', async () => {
    const tally = new FailedConnects(settings);
    await tally.failed('10.0.0.1', undefined, T0);
    await tally.failed('10.0.0.1', undefined, T0 + 1000);
    await tally.failed('10.0.0.1', undefined, T0 + 61_000);
    expect(await tally.admit('10.0.0.1', undefined, T0 + 61_500)).toStrictEqual({
      verdict: 'check',
      delayMs: 0,
    });
  });

  it('refuses the addresses that failed for a device id and delays the others during its cool-down', async () => {
    const tally = new FailedConnects(settings);
    await tally.failed('10.0.0.1', 'watch-1', T0);
    await tally.failed('10.0.0.2', 'watch-1', T0 + 10);
    expect(await tally.admit('10.0.0.1', 'watch-1', T0 + 20)).toStrictEqual({
      verdict: 'refuse',
      reason: 'username_cooldown',
    });
    expect(await tally.admit('10.0.0.3', 'watch-1', T0 + 20)).toStrictEqual({
      verdict: 'check',
      delayMs: 1000,
    });
    expect(await tally.admit('10.0.0.3', 'watch-2', T0 + 20)).toStrictEqual({ verdict: 'check', delayMs: 0 });
    expect(await tally.admit('10.0.0.3', 'watch-1', T0 + 10 + 300_000)).toStrictEqual({
      verdict: 'check',
      delayMs: 0,
    });
  });

  it('clears an address that connects with a good secret before it reached its limit', async () => {
    const tally = new FailedConnects(settings);
    await tally.failed('10.0.0.1', undefined, T0);
    await tally.failed('10.0.0.1', undefined, T0 + 10);
    await tally.succeeded('10.0.0.1');
    await tally.failed('10.0.0.1', undefined, T0 + 20);
    expect(await tally.admit('10.0.0.1', undefined, T0 + 30)).toStrictEqual({ verdict: 'check', delayMs: 0 });
  });

  it('drops what is past its window and cool-down when pruned', async () => {
    const tally = new FailedConnects(settings);
    for (let index = 0; index < 3; index += 1) await tally.failed('10.0.0.1', 'watch-1', T0);
    tally.prune(T0 + 400_000);
    expect(await tally.admit('10.0.0.1', 'watch-1', T0 + 400_000)).toStrictEqual({
      verdict: 'check',
      delayMs: 0,
    });
  });
});
