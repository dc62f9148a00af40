/**
 * TOTP on a real hub with the admin requirement on (as in production): an admin enrols before the
 * first session; staff enrol from their account; codes work once; secrets never leave the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOTP_STEP_SECONDS, totpCode, totpStep } from '../../server/auth/totp.ts';
import type { Hub } from '../../server/hub.ts';
import { startTotpHub } from './totp-hub.ts';

const ADMIN_PASSWORD = 'admin-totp-test-password';

interface Challenge {
  error: string;
  message: string;
  enrolmentToken?: string;
}

/**
 * A code the hub accepts and has not seen: each code works once (its step must be later than the
 * last used), and the hub allows one step of drift either side, so three fresh codes fit in one
 * 30-second step: no case here asks one secret for more, so none waits for the next step.
 */
function nextCode(secret: string, used: { last: number }): string {
  const current = totpStep(Date.now());
  const step = Math.max(used.last + 1, current - 1);
  if (step > current + 1) throw new Error('a fourth code in one 30-second step: the hub would refuse it');
  used.last = step;
  return totpCode(secret, step * TOTP_STEP_SECONDS * 1000);
}

describe('TOTP second factor', () => {
  let hub: Hub;
  let stopHub: (() => Promise<void>) | undefined;
  /** The admin's session, once enrolled. */
  let adminToken = '';
  const t = {
    hub: undefined as unknown as Hub,
    async api<T = unknown>(method: string, path: string, body?: unknown, token?: string | null) {
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      const bearer = token === undefined ? adminToken : token;
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      const response = await fetch(`${hub.url}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
    },
    async addStaff(username: string, role: string) {
      const created = await t.api<{ id: string }>('POST', '/api/users', {
        username,
        displayName: username,
        role,
        password: 'staff-password-1',
      });
      const login = await t.api<{ token: string }>(
        'POST',
        '/api/auth/login',
        { username, password: 'staff-password-1' },
        null,
      );
      return { id: created.body.id, token: login.body.token };
    },
  };
  beforeAll(async () => {
    // As in production: HUB_ADMIN_TOTP_REQUIRED is left at its default (true).
    ({ hub, stop: stopHub } = await startTotpHub(ADMIN_PASSWORD));
    t.hub = hub;
  });
  afterAll(async () => {
    await stopHub?.();
  });

  it('asks an admin without TOTP to enrol before any session, then asks for the code', async () => {
    const first = await t.api<Challenge>(
      'POST',
      '/api/auth/login',
      { username: 'admin', password: ADMIN_PASSWORD },
      null,
    );
    expect(first.status).toBe(401);
    expect(first.body.error).toBe('totp_enrolment_required');
    const enrolmentToken = first.body.enrolmentToken ?? '';
    expect(enrolmentToken.length).toBeGreaterThan(30);
    // The enrolment token is no session.
    expect((await t.api('GET', '/api/auth/me', undefined, enrolmentToken)).status).toBe(401);
    expect((await t.api('GET', '/api/retirees', undefined, enrolmentToken)).status).toBe(401);

    const setup = await t.api<{ secret: string; otpauthUri: string }>(
      'POST',
      '/api/auth/enrolment/totp',
      { enrolmentToken },
      null,
    );
    expect(setup.status).toBe(200);
    expect(setup.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/.+:admin\?secret=[A-Z2-7]{32}&/);
    const secret = setup.body.secret;
    const wrong = await t.api(
      'POST',
      '/api/auth/enrolment/confirm',
      { enrolmentToken, code: '000000' },
      null,
    );
    expect(wrong.status).toBe(400);
    const used = { last: 0 };
    const confirmed = await t.api<{ token: string; user: { totpEnabled: boolean } }>(
      'POST',
      '/api/auth/enrolment/confirm',
      { enrolmentToken, code: nextCode(secret, used) },
      null,
    );
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.user.totpEnabled).toBe(true);
    expect((await t.api('GET', '/api/auth/me', undefined, confirmed.body.token)).status).toBe(200);
    adminToken = confirmed.body.token;
    // The enrolment token was spent.
    expect((await t.api('POST', '/api/auth/enrolment/totp', { enrolmentToken }, null)).status).toBe(401);

    // The secret is stored sealed, never as given, and no API returns it.
    const [row] = await t.hub.db.query<{ totp_secret: string }>(
      `select totp_secret from users where username = 'admin'`,
    );
    expect(row?.totp_secret).toMatch(/^v1:/);
    expect(row?.totp_secret).not.toContain(secret);
    const users = await t.api('GET', '/api/users?includeDisabled=true', undefined, confirmed.body.token);
    expect(JSON.stringify(users.body)).not.toContain(secret);

    const noCode = await t.api<Challenge>(
      'POST',
      '/api/auth/login',
      { username: 'admin', password: ADMIN_PASSWORD },
      null,
    );
    expect(noCode.status).toBe(401);
    expect(noCode.body.error).toBe('totp_required');
    const code = nextCode(secret, used);
    const withCode = await t.api(
      'POST',
      '/api/auth/login',
      { username: 'admin', password: ADMIN_PASSWORD, totp: code },
      null,
    );
    expect(withCode.status).toBe(200);
    // The same code a second time (a replay) is refused.
    const replay = await t.api<Challenge>(
      'POST',
      '/api/auth/login',
      { username: 'admin', password: ADMIN_PASSWORD, totp: code },
      null,
    );
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('totp_invalid');
    // An admin may not drop the factor while it is required.
    const drop = await t.api(
      'POST',
      '/api/auth/totp/disable',
      { code: nextCode(secret, used) },
      confirmed.body.token,
    );
    expect(drop.status).toBe(409);
  }, 120_000);

  it('lets staff enrol from their account, sign in with a code, and drop it with a code', async () => {
    const staff = await t.addStaff('duty.li', 'operator');
    const setup = await t.api<{ secret: string; otpauthUri: string }>(
      'POST',
      '/api/auth/totp',
      undefined,
      staff.token,
    );
    expect(setup.status).toBe(200);
    const used = { last: 0 };
    expect((await t.api('POST', '/api/auth/totp/confirm', { code: 'abc' }, staff.token)).status).toBe(400);
    expect(
      (
        await t.api(
          'POST',
          '/api/auth/totp/confirm',
          { code: nextCode(setup.body.secret, used) },
          staff.token,
        )
      ).status,
    ).toBe(204);
    expect((await t.api('POST', '/api/auth/totp', undefined, staff.token)).status).toBe(409);
    const needsCode = await t.api<Challenge>(
      'POST',
      '/api/auth/login',
      { username: 'duty.li', password: 'staff-password-1' },
      null,
    );
    expect(needsCode.body.error).toBe('totp_required');
    const signedIn = await t.api(
      'POST',
      '/api/auth/login',
      { username: 'duty.li', password: 'staff-password-1', totp: nextCode(setup.body.secret, used) },
      null,
    );
    expect(signedIn.status).toBe(200);
    const dropped = await t.api(
      'POST',
      '/api/auth/totp/disable',
      { code: nextCode(setup.body.secret, used) },
      staff.token,
    );
    expect(dropped.status).toBe(204);
    expect(
      (await t.api('POST', '/api/auth/login', { username: 'duty.li', password: 'staff-password-1' }, null))
        .status,
    ).toBe(200);
  }, 120_000);

  it('lets an admin reset the factor of someone who lost their phone; their sessions end', async () => {
    const staff = await t.addStaff('lost.phone', 'caseworker');
    const setup = await t.api<{ secret: string }>('POST', '/api/auth/totp', undefined, staff.token);
    await t.api(
      'POST',
      '/api/auth/totp/confirm',
      { code: totpCode(setup.body.secret, Date.now()) },
      staff.token,
    );
    expect((await t.api('POST', `/api/users/${staff.id}/totp/reset`, undefined, staff.token)).status).toBe(
      403,
    );
    expect((await t.api('POST', `/api/users/${staff.id}/totp/reset`)).status).toBe(204);
    expect((await t.api('GET', '/api/auth/me', undefined, staff.token)).status).toBe(401);
    expect(
      (await t.api('POST', '/api/auth/login', { username: 'lost.phone', password: 'staff-password-1' }, null))
        .status,
    ).toBe(200);
  });
});
