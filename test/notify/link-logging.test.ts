/**
 * A phone page's link is a key to act on an alert: the hub's request log names the page without
 * its token, for the page and for its actions, whoever reads the log.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/hub.ts';
import { withoutLinkToken } from '../../server/notify/links.ts';
import { suiteHub } from '../helpers/suite.ts';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    lines.push(chunk.toString());
    done();
  },
});

describe('link tokens stay out of the log', () => {
  const t = suiteHub({}, { logger: createLogger('info', sink) });

  it('drops the token from a link path and leaves other paths alone', () => {
    expect(withoutLinkToken('/m/0123abcd.4567ef')).toBe('/m/…');
    expect(withoutLinkToken('/m/0123abcd.4567ef/acknowledge')).toBe('/m/…/acknowledge');
    expect(withoutLinkToken('/m/0123abcd.4567ef?done=take')).toBe('/m/…?done=take');
    expect(withoutLinkToken('/api/alerts?m=1')).toBe('/api/alerts?m=1');
    expect(withoutLinkToken('/q/0123abcd.4567ef?done=medical')).toBe('/q/…?done=medical');
  });

  it('logs requests to a link page, and its actions, without the token', async () => {
    const token = `${'a'.repeat(32)}.${'b'.repeat(32)}`;
    expect((await fetch(`${t.url}/m/${token}`)).status).toBe(404);
    expect((await fetch(`${t.url}/m/${token}/take`, { method: 'POST' })).status).toBe(404);
    const logged = lines.join('');
    expect(logged).toContain('"url":"/m/…"');
    expect(logged).toContain('"url":"/m/…/take"');
    expect(logged).not.toContain('a'.repeat(32));
  });
});
