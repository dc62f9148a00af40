import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

describe('HTTP API', () => {
  const t = suiteHub();

  it('signs in with the admin password and refuses a wrong one', async () => {
    const good = await t.api<{ token: string; user: { role: string } }>('POST', '/api/auth/login', {
      username: 'admin',
      password: 'admin-test-password',
    });
    expect(good.status).toBe(200);
    expect(good.body.user.role).toBe('admin');
    expect(good.body.token.length).toBeGreaterThan(30);

    const bad = await t.api(
      'POST',
      '/api/auth/login',
      { username: 'admin', password: 'wrong-password' },
      null,
    );
    expect(bad).toStrictEqual({
      status: 401,
      body: { error: 'unauthorized', message: 'wrong username or password' },
    });
    const nobody = await t.api(
      'POST',
      '/api/auth/login',
      { username: 'nobody', password: 'whatever1' },
      null,
    );
    expect(nobody.status).toBe(401);
  });

  it('refuses API calls without a valid token, and forgets a token after logout', async () => {
    expect((await t.api('GET', '/api/retirees', undefined, null)).status).toBe(401);
    expect((await t.api('GET', '/api/retirees', undefined, 'not-a-token')).status).toBe(401);
    const login = await t.api<{ token: string }>('POST', '/api/auth/login', {
      username: 'admin',
      password: 'admin-test-password',
    });
    const token = login.body.token;
    expect((await t.api('GET', '/api/auth/me', undefined, token)).status).toBe(200);
    expect((await t.api('POST', '/api/auth/logout', undefined, token)).status).toBe(204);
    expect((await t.api('GET', '/api/auth/me', undefined, token)).status).toBe(401);
  });

  it('registers a retiree with contacts and lists it on the wall', async () => {
    const retiree = await t.addRetiree({ name: '李卫国', hrLow: 45, hrHigh: 110 });
    expect(retiree.contacts).toHaveLength(1);
    expect(retiree.hrLow).toBe(45);
    const one = await t.api<{ name: string; hrRange: unknown }>('GET', `/api/retirees/${retiree.id}`);
    expect(one.body.name).toBe('李卫国');
    expect(one.body.hrRange).toStrictEqual({ low: 45, high: 110, source: 'retiree' });
    const plain = await t.addRetiree();
    expect(plain.hrRange).toStrictEqual({ low: 50, high: 120, source: 'centre' });
    const wall = await t.api<{ id: string; openAlerts: number; hr: number | null }[]>('GET', '/api/retirees');
    const tile = wall.body.find((entry) => entry.id === retiree.id);
    expect(tile).toMatchObject({ openAlerts: 0, hr: null });
  });

  it('answers bad requests with 4xx and {error, message}, never 500', async () => {
    const cases: [string, string, unknown][] = [
      ['POST', '/api/retirees', { name: '' }],
      ['POST', '/api/retirees', '{not json'],
      ['POST', '/api/retirees', { name: 'x', gender: 'male', birthDate: 'yesterday' }],
      [
        'POST',
        '/api/retirees',
        { name: 'x', gender: 'male', birthDate: '1940-01-01', hrLow: 120, hrHigh: 60 },
      ],
      ['GET', '/api/retirees/not-a-uuid', undefined],
      ['GET', '/api/retirees/00000000-0000-4000-8000-000000000000', undefined],
      ['GET', '/api/alerts?status=bogus', undefined],
      ['GET', '/api/alerts?limit=100000', undefined],
      ['POST', '/api/alerts/not-a-uuid/ack', {}],
      ['POST', '/api/devices', { id: 'bad id with spaces', type: 'wearable.watch' }],
      ['POST', '/api/devices', { id: 'ok-id', type: 'toaster' }],
      ['POST', '/api/devices', { id: 'ok-id-2', type: 'wearable.watch', retireeId: 'nope' }],
      ['GET', '/api/nothing-here', undefined],
      ['GET', '/assets/missing-chunk.js', undefined],
    ];
    for (const [method, path, body] of cases) {
      const response = await t.api<{ error: string; message: string }>(method, path, body);
      expect(response.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${method} ${path}`).toBeLessThan(500);
      expect(Object.keys(response.body).sort(), `${method} ${path}`).toStrictEqual(['error', 'message']);
    }
  });

  it('returns a device secret once and never again', async () => {
    const retiree = await t.addRetiree();
    const created = await t.addDevice('wearable.watch', retiree.id, 'watch-secret-once');
    expect(created.secret.length).toBeGreaterThan(30);
    expect(created.device).toMatchObject({ id: 'watch-secret-once', retireeId: retiree.id, online: false });
    const list = await t.api<Record<string, unknown>[]>('GET', '/api/devices');
    const listed = list.body.find((device) => device.id === 'watch-secret-once');
    expect(listed).toBeDefined();
    expect(JSON.stringify(list.body)).not.toContain(created.secret);
    expect(Object.keys(listed ?? {})).not.toContain('secretHash');
    const again = await t.api('POST', '/api/devices', { id: 'watch-secret-once', type: 'wearable.watch' });
    expect(again.status).toBe(409);
  });

  it('lists the device types from devices/', async () => {
    const types = await t.api<{ type: string; nameEn: string }[]>('GET', '/api/device-types');
    expect(types.body.find((entry) => entry.type === 'wearable.watch')?.nameEn).toBe('Smart watch');
    expect(types.body.map((entry) => entry.type)).toEqual(
      expect.arrayContaining(['wearable.watch', 'pendant.sos', 'sensor.door', 'sensor.smoke']),
    );
  });

  it('serves health, metrics and the OpenAPI document', async () => {
    const health = await t.api<{ status: string; records: string }>('GET', '/healthz', undefined, null);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', records: 'pglite' });
    const metrics = await t.api<string>('GET', '/metrics', undefined, null);
    expect(metrics.body).toContain('hub_mqtt_messages_rejected_total');
    // The records' transaction-id age, read by the upkeep job as it starts.
    await eventually(async () =>
      /^hub_records_xid_age [1-9]\d*$/m.test((await t.api<string>('GET', '/metrics', undefined, null)).body),
    );
    // The bad requests of the test above are counted by route and status.
    expect(metrics.body).toMatch(
      /hub_http_responses_total\{method="POST",route="\/api\/retirees",status="400"\} [1-9]/,
    );
    const openapi = await t.api<{ paths: Record<string, unknown> }>('GET', '/docs/json', undefined, null);
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/login',
        '/api/retirees',
        '/api/alerts/{id}/ack',
        '/api/retirees/{id}/vitals',
      ]),
    );
  });
});
