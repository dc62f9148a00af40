/** The burst detector over a fixed clock: fires once per burst, re-arms when the window empties. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { BurstWatch } from '../../server/security/burst.ts';

describe('burst detector', () => {
  it('fires on the event that reaches the threshold within the window, and only once', () => {
    const watch = new BurstWatch({ threshold: 3, windowMs: 1000 });
    expect(watch.record(0)).toEqual({ count: 1, fired: false });
    expect(watch.record(500)).toEqual({ count: 2, fired: false });
    expect(watch.record(900)).toEqual({ count: 3, fired: true });
    expect(watch.record(950)).toEqual({ count: 4, fired: false });
  });

  it('does not fire when the events are spread wider than the window', () => {
    const watch = new BurstWatch({ threshold: 3, windowMs: 1000 });
    const verdicts = [0, 600, 1200, 1800, 2400].map((at) => watch.record(at));
    expect(verdicts.some((verdict) => verdict.fired)).toBe(false);
  });

  it('fires again for a new burst after the window emptied', () => {
    const watch = new BurstWatch({ threshold: 2, windowMs: 1000 });
    watch.record(0);
    expect(watch.record(10).fired).toBe(true);
    expect(watch.record(5000).fired).toBe(false);
    expect(watch.record(5010).fired).toBe(true);
  });

  it('counts distinct keys when asked (one device flapping is not a storm)', () => {
    const watch = new BurstWatch({ threshold: 3, windowMs: 1000 }, true);
    for (let at = 0; at < 10; at += 1) expect(watch.record(at, 'watch-1').fired).toBe(false);
    watch.record(20, 'watch-2');
    expect(watch.record(30, 'watch-3')).toEqual({ count: 3, fired: true });
  });

  it('reads its thresholds and windows from the environment, refusing bad values', () => {
    const settings = loadConfig({
      HUB_SECURITY_AUTH_FAILURES: '7',
      HUB_SECURITY_AUTH_WINDOW_SECONDS: '30',
    }).security;
    expect(settings.authFailures).toEqual({ threshold: 7, windowMs: 30_000 });
    expect(settings.disconnects).toEqual({ threshold: 20, windowMs: 60_000 });
    expect(() => loadConfig({ HUB_SECURITY_DISCONNECTS: 'many' }).security).toThrow(
      /HUB_SECURITY_DISCONNECTS/,
    );
    expect(() => loadConfig({ HUB_SECURITY_LOGIN_FAILURES: '1' }).security).toThrow(
      /HUB_SECURITY_LOGIN_FAILURES/,
    );
  });
});
