/**
 * No default accounts, strong passwords, argon2id parameters and sign-in throttling, on a real hub.
 */
import http from 'node:http';
import argon2 from 'argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordNeedsRehash } from '../../server/auth/secrets.ts';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { createLogger, startHub } from '../../server/hub.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { makeTempDir } from '../helpers/tmp.ts';

async function login(url: string, username: string, password: string) {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

/** A sign-in sent from a given loopback address (127.0.0.0/8 all reach this machine). */
function loginFrom(url: string, localAddress: string, username: string, password: string) {
  const target = new URL('/api/auth/login', url);
  const body = JSON.stringify({ username, password });
  return new Promise<{ status: number }>((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('no default accounts', () => {
  it.each([['admin'], ['password'], ['short-pw'], ['Password1234'.toLowerCase()], ['aaaaaaaaaaaaaaaa']])(
    'refuses to start with HUB_ADMIN_PASSWORD=%s, saying why',
    (password) => {
      expect(() => loadConfig({ HUB_ADMIN_PASSWORD: password })).toThrow(ConfigError);
      expect(() => loadConfig({ HUB_ADMIN_PASSWORD: password })).toThrow(/^HUB_ADMIN_PASSWORD: too weak/);
    },
  );

  it('never lets admin/admin in: the first admin gets a generated password', async () => {
    const dir = await makeTempDir('junxiu-auth-first-');
    try {
      const hub = await startHub(
        loadConfig({
          HUB_DATA_DIR: dir.path,
          HUB_HTTP_PORT: '0',
          HUB_MQTT_PORT: '0',
          HUB_HTTP_HOST: '127.0.0.1',
          HUB_MQTT_HOST: '127.0.0.1',
          HUB_LOG_LEVEL: 'silent',
        }),
        createLogger('silent'),
      );
      try {
        expect(hub.generatedAdminPassword).toMatch(/^[A-Za-z0-9]{16}$/);
        for (const password of ['admin', 'password', '123456', 'admin123']) {
          expect((await login(hub.url, 'admin', password)).status).toBe(401);
        }
        // The generated password is right; an admin must still enrol TOTP before a session.
        const first = await login(hub.url, 'admin', hub.generatedAdminPassword ?? '');
        expect(first.status).toBe(401);
        expect(first.body.error).toBe('totp_enrolment_required');
      } finally {
        await hub.stop();
      }
    } finally {
      await dir.remove();
    }
  }, 120_000);
});

describe('staff passwords and their hashes', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({
      HUB_LOGIN_FAILURES_PER_IP: '4',
      HUB_LOGIN_COOLDOWN_SECONDS: '60',
      HUB_LOGIN_FAILURES_PER_ACCOUNT: '2',
      HUB_LOGIN_MAX_DELAY_MS: '1500',
    });
  });
  afterAll(() => t?.stop());

  it.each([
    ['short1', '密码至少 12 个字符'],
    ['wang.fang.duty', '密码不能与用户名相同'],
    ['password1234', '密码过于常见'],
  ])('refuses a new staff account with the password %s', async (password, reason) => {
    const created = await t.api<{ message: string }>('POST', '/api/users', {
      username: 'wang.fang.duty',
      displayName: '王芳',
      role: 'operator',
      password,
    });
    expect(created.status).toBe(400);
    expect(created.body.message).toContain(reason);
    expect(
      (await t.api<{ username: string }[]>('GET', '/api/users')).body.map((u) => u.username),
    ).not.toContain('wang.fang.duty');
  });

  it('keeps a stronger hash and upgrades only weaker ones', () => {
    expect(passwordNeedsRehash('$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g')).toBe(false);
    expect(passwordNeedsRehash('$argon2id$v=19$m=19456,p=1,t=2$c2FsdHNhbHQ$aGFzaGhhc2g')).toBe(false);
    expect(passwordNeedsRehash('$argon2id$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2g')).toBe(true);
    expect(passwordNeedsRehash('$argon2id$v=19$m=19456,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g')).toBe(true);
    expect(passwordNeedsRehash('$argon2i$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g')).toBe(true);
  });

  it('stores argon2id with m=19456 KiB, t=2, p=1 and never returns it', async () => {
    const staff = await t.addStaff('hash.check', 'operator');
    const [row] = await t.hub.db.query<{ password_hash: string }>(
      'select password_hash from users where id = $1',
      [staff.id],
    );
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    const listed = await t.api('GET', '/api/users');
    expect(JSON.stringify(listed.body)).not.toMatch(/argon2|password_hash|passwordHash|totp_secret/);
  });

  it('upgrades a hash with weaker parameters at the next successful sign-in', async () => {
    const staff = await t.addStaff('old.hash', 'operator');
    const weak = await argon2.hash('staff-password-1', {
      type: argon2.argon2id,
      memoryCost: 4096,
      timeCost: 1,
      parallelism: 1,
    });
    await t.hub.db.query('update users set password_hash = $2 where id = $1', [staff.id, weak]);
    expect((await login(t.url, 'old.hash', 'wrong-password-here')).status).toBe(401);
    const still = await t.hub.db.query<{ password_hash: string }>(
      'select password_hash from users where id = $1',
      [staff.id],
    );
    expect(still[0]?.password_hash).toBe(weak);
    expect((await login(t.url, 'old.hash', 'staff-password-1')).status).toBe(200);
    const [row] = await t.hub.db.query<{ password_hash: string }>(
      'select password_hash from users where id = $1',
      [staff.id],
    );
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect((await login(t.url, 'old.hash', 'staff-password-1')).status).toBe(200);
  });

  it('changes my password under the same rules; my other sessions end', async () => {
    const staff = await t.addStaff('changer', 'caseworker');
    const other = await login(t.url, 'changer', 'staff-password-1');
    const change = (currentPassword: string, newPassword: string) =>
      t.api<{ message: string }>('POST', '/api/auth/password', { currentPassword, newPassword }, staff.token);
    const weak = await change('staff-password-1', 'changer');
    expect(weak.status).toBe(400);
    expect(weak.body.message).toMatch(/^newPassword: /);
    expect((await change('not-my-password', 'a-much-better-passphrase')).status).toBe(400);
    expect((await change('staff-password-1', 'a-much-better-passphrase')).status).toBe(204);
    expect((await t.api('GET', '/api/auth/me', undefined, staff.token)).status).toBe(200);
    expect((await t.api('GET', '/api/auth/me', undefined, other.body.token as string)).status).toBe(401);
    expect((await login(t.url, 'changer', 'staff-password-1')).status).toBe(401);
    expect((await login(t.url, 'changer', 'a-much-better-passphrase')).status).toBe(200);
  });

  it('slows guesses at one account from many addresses, never its owner at a known place', async () => {
    await t.addStaff('many.guesses', 'operator'); // signs in from 127.0.0.1: a known place
    const delays = async () =>
      Number(/hub_login_delays_total (\d+)/.exec(await (await fetch(`${t.url}/metrics`)).text())?.[1] ?? 0);
    for (let i = 2; i < 6; i += 1) {
      expect((await loginFrom(t.url, `127.0.0.${i}`, 'many.guesses', `guess-${i}-wrong`)).status).toBe(401);
    }
    const before = await delays();
    const started = Date.now();
    const stranger = await loginFrom(t.url, '127.0.0.9', 'many.guesses', 'staff-password-1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(stranger.status).toBe(200); // delayed, not refused: the right password still works
    expect(await delays()).toBe(before + 1);
    const owner = await loginFrom(t.url, '127.0.0.1', 'many.guesses', 'staff-password-1');
    expect(owner.status).toBe(200);
    expect(await delays()).toBe(before + 1);
  });

  it('cools down an address that keeps guessing (429, Retry-After) and counts it in /metrics', async () => {
    await t.addStaff('target', 'operator');
    for (let i = 0; i < 4; i += 1) {
      expect((await login(t.url, 'target', `guess-number-${i}`)).status).toBe(401);
    }
    const refused = await login(t.url, 'target', 'staff-password-1');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/hub_login_refusals_total\{reason="ip"\} [1-9]/);
    expect(Number(/hub_login_failures_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(4);
  });
});
