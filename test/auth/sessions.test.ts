/**
 * Sessions end on the server: a new token at every sign-in, idle and absolute timeouts, sign-out
 * and disabled accounts; the live channel drops the sockets of ended sessions within a second,
 * refuses foreign origins and lets no client choose its room. All on a real hub over real ports.
 */
import type { Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../server/auth/secrets.ts';
import type { Alert, Retiree } from '../../server/schemas/index.ts';
import { UserStore } from '../../server/store/users.ts';
import { eventually, publish } from '../helpers/hub.ts';
import { connectLive, type Live } from '../helpers/live.ts';
import { suiteHub } from '../helpers/suite.ts';

/** Resolves with when the server dropped the socket (ms since the epoch). */
function dropped(socket: Live): Promise<number> {
  return new Promise((resolve) => {
    if (!socket.connected) return resolve(0);
    socket.once('disconnect', () => resolve(Date.now()));
  });
}

describe('sessions and the live channel', () => {
  const t = suiteHub({
    HUB_SESSION_IDLE_MINUTES: '5',
    HUB_ALLOWED_ORIGINS: 'https://wall.example.org',
  });
  const sockets: Live[] = [];
  const track = (socket: Live) => {
    sockets.push(socket);
    return socket;
  };

  afterAll(async () => {
    for (const socket of sockets) socket.close();
  });

  async function login(username: string, password = 'staff-password-1') {
    return t.api<{ token: string }>('POST', '/api/auth/login', { username, password }, null);
  }

  it('gives a new random token at every sign-in, never the old one', async () => {
    await t.addStaff('fresh.token', 'operator');
    const tokens = new Set<string>();
    for (let i = 0; i < 4; i += 1) tokens.add((await login('fresh.token')).body.token);
    expect(tokens.size).toBe(4);
    const [row] = await t.hub.db.query<{ n: number }>(
      `select count(*)::int as n from sessions s join users u on u.id = s.user_id where u.username = 'fresh.token'`,
    );
    expect(row?.n).toBeGreaterThanOrEqual(5);
    // Only hashes are stored: no token appears in the table.
    const stored = await t.hub.db.query<{ token_hash: string }>('select token_hash from sessions');
    for (const token of tokens) expect(stored.map((s) => s.token_hash)).not.toContain(token);
  });

  it('ends a session left idle, and one past its absolute end, however busy', async () => {
    const idle = (await login('fresh.token')).body.token;
    const old = (await login('fresh.token')).body.token;
    expect((await t.api('GET', '/api/auth/me', undefined, idle)).status).toBe(200);
    await t.hub.db.query(
      `update sessions set last_seen_at = now() - interval '6 minutes' where token_hash = $1`,
      [hashToken(idle)],
    );
    expect((await t.api('GET', '/api/auth/me', undefined, idle)).status).toBe(401);
    await t.hub.db.query(
      `update sessions set expires_at = now() - interval '1 second' where token_hash = $1`,
      [hashToken(old)],
    );
    expect((await t.api('GET', '/api/auth/me', undefined, old)).status).toBe(401);
  });

  it('sweeps ended sessions out of the table, keeping live ones', async () => {
    const live = (await login('fresh.token')).body.token;
    const idle = (await login('fresh.token')).body.token;
    await t.hub.db.query(
      "update sessions set last_seen_at = now() - interval '6 minutes' where token_hash = $1",
      [hashToken(idle)],
    );
    const now = new Date();
    await new UserStore(t.hub.db).deleteExpiredSessions(now, new Date(now.getTime() - 5 * 60_000));
    const left = (await t.hub.db.query<{ token_hash: string }>('select token_hash from sessions')).map(
      (row) => row.token_hash,
    );
    expect(left).toContain(hashToken(live));
    expect(left).not.toContain(hashToken(idle));
  });

  it('keeps an open duty wall signed in while its socket is connected', async () => {
    const token = (await login('fresh.token')).body.token;
    const socket = track(await connectLive(t.url, token));
    await t.hub.db.query(
      `update sessions set last_seen_at = now() - interval '4 minutes 59 seconds' where token_hash = $1`,
      [hashToken(token)],
    );
    await eventually(async () => {
      const [row] = await t.hub.db.query<{ fresh: boolean }>(
        `select last_seen_at > now() - interval '10 seconds' as fresh from sessions where token_hash = $1`,
        [hashToken(token)],
      );
      return row?.fresh;
    });
    expect(socket.connected).toBe(true);
    expect((await t.api('GET', '/api/auth/me', undefined, token)).status).toBe(200);
  });

  it('signs out on the server and drops that session’s socket within a second', async () => {
    const token = (await login('fresh.token')).body.token;
    const other = (await login('fresh.token')).body.token;
    const socket = track(await connectLive(t.url, token));
    const otherSocket = track(await connectLive(t.url, other));
    const gone = dropped(socket);
    expect((await t.api('POST', '/api/auth/logout', undefined, token)).status).toBe(204);
    const answeredAt = Date.now();
    // Within a second of the sign-out taking effect (its answer).
    expect((await gone) - answeredAt).toBeLessThan(1000);
    expect((await t.api('GET', '/api/auth/me', undefined, token)).status).toBe(401);
    expect(otherSocket.connected).toBe(true);
  });

  it('disables an account (admin only): no sign-in, every session and socket ends within a second', async () => {
    const staff = await t.addStaff('to.disable', 'supervisor');
    const second = (await login('to.disable')).body.token;
    const a = track(await connectLive(t.url, staff.token));
    const b = track(await connectLive(t.url, second));
    expect((await t.api('POST', `/api/users/${staff.id}/disable`, undefined, second)).status).toBe(403);
    const gone = Promise.all([dropped(a), dropped(b)]);
    const disabled = await t.api<{ disabled: boolean }>('POST', `/api/users/${staff.id}/disable`);
    const answeredAt = Date.now();
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);
    for (const at of await gone) expect(at - answeredAt).toBeLessThan(1000);
    expect((await t.api('GET', '/api/auth/me', undefined, staff.token)).status).toBe(401);
    expect((await t.api('GET', '/api/auth/me', undefined, second)).status).toBe(401);
    const refused = await login('to.disable');
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'account_disabled' });
    await expect(connectLive(t.url, staff.token)).rejects.toThrow(/unauthorized/);
    const listed = await t.api<{ username: string; disabled: boolean }[]>(
      'GET',
      '/api/users?includeDisabled=true',
    );
    expect(listed.body.find((user) => user.username === 'to.disable')?.disabled).toBe(true);
    expect(
      (await t.api<{ username: string }[]>('GET', '/api/users')).body.map((u) => u.username),
    ).not.toContain('to.disable');
    expect((await t.api('POST', `/api/users/${staff.id}/enable`)).status).toBe(200);
    expect((await login('to.disable')).status).toBe(200);
  });

  it('drops a socket whose session was ended behind its back (expired in the store) within a second', async () => {
    const token = (await login('fresh.token')).body.token;
    const socket = track(await connectLive(t.url, token));
    const gone = dropped(socket);
    await t.hub.db.query('update sessions set expires_at = now() where token_hash = $1', [hashToken(token)]);
    const changedAt = Date.now();
    expect((await gone) - changedAt).toBeLessThan(1000);
  });

  it('refuses a page of another origin, and takes the hub’s own and the allowed ones', async () => {
    const token = (await login('fresh.token')).body.token;
    await expect(connectLive(t.url, token, 'https://evil.example.com')).rejects.toThrow();
    await expect(connectLive(t.url, token, 'null')).rejects.toThrow();
    track(await connectLive(t.url, token, t.url));
    track(await connectLive(t.url, token, 'https://wall.example.org'));
    track(await connectLive(t.url, token));
  });

  it('puts a family socket in its own room only, whatever the client asks for', async () => {
    const own: Retiree = await t.addRetiree({ name: '张守礼' });
    const other: Retiree = await t.addRetiree({ name: '赵德明' });
    const familyToken = await t.addFamily(own, 'zhang.family');
    const family = track(await connectLive(t.url, familyToken));
    const staff = track(await connectLive(t.url, (await login('fresh.token')).body.token));
    const familyGot: string[] = [];
    const staffGot: string[] = [];
    const familyAlerts: string[] = [];
    family.onAny((event) => familyGot.push(event));
    family.on('familyAlert', (update) => familyAlerts.push(update.alert.id));
    staff.on('alert', (message) => staffGot.push(message.alert.retireeId ?? ''));
    // A client asking to join rooms (the staff room, another family's) gets nothing from it.
    const asking = family as unknown as Socket;
    for (const room of ['staff', `family:${other.id}`]) {
      asking.emit('join', room);
      asking.emit('subscribe', { room });
    }
    const device = await t.addDevice('pendant.sos', other.id);
    const client = await t.connectDevice(device);
    await publish(client, `eldercare/v1/${device.device.id}/event`, { id: 'room-check-1', type: 'sos' });
    await eventually(() => staffGot.includes(other.id));
    // Then an alert of the family's own relative: the socket's events arrive in order, so when the
    // family has this one, anything the other alert had brought it would be there before.
    const pendant = await t.addDevice('pendant.sos', own.id);
    await publish(await t.connectDevice(pendant), `eldercare/v1/${pendant.device.id}/event`, {
      id: 'room-check-2',
      type: 'sos',
    });
    await eventually(() => familyAlerts.length > 0);
    const ownAlerts = (await t.api<Alert[]>('GET', `/api/alerts?retireeId=${own.id}`)).body.map((a) => a.id);
    expect(familyAlerts.every((id) => ownAlerts.includes(id))).toBe(true);
    expect(familyGot.filter((event) => event !== 'connect' && event !== 'familyAlert')).toStrictEqual([]);
    expect(family.connected).toBe(true);
  });
});
