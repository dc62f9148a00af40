/**
 * Cross-origin request forgery from the same site (another port of the hub's host): the session
 * cookie alone, sent by a page of another origin, changes nothing; the bearer header, a page of the
 * hub's own origin and an origin in HUB_ALLOWED_ORIGINS still do. Real hub, real HTTP requests,
 * the session cookie taken from the login answer, and the state read back afterwards.
 */
import http from 'node:http';
import type { MqttClient } from 'mqtt';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOTP_STEP_SECONDS, totpCode, totpStep } from '../../server/auth/totp.ts';
import type { AuditEntry } from '../../server/schemas/audit.ts';
import type { Alert, CreatedDevice, TotpSetup } from '../../server/schemas/index.ts';
import {
  ADMIN_PASSWORD,
  connected,
  deviceClient,
  eventually,
  metricValue,
  publish,
  type TestHub,
} from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

/** Another port of the same host: the same *site* as the hub, another origin. */
const SAME_SITE_PAGE = 'http://127.0.0.1:1';
const ALLOWED_PAGE = 'https://wall.example.org';

interface Answer {
  status: number;
  body: { error?: string; message?: string } & Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
}

/** One request with exactly these headers (fetch would add its own Sec-Fetch-Mode). */
function send(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${baseUrl}${path}`,
      {
        method,
        headers: { ...headers, ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: Answer['body'] = {};
          try {
            parsed = text ? JSON.parse(text) : {};
          } catch {
            parsed = { text };
          }
          resolve({ status: response.statusCode ?? 0, body: parsed, headers: response.headers });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Signs in by HTTP and keeps only the cookie the answer sets, as a browser would. */
async function sessionCookie(baseUrl: string, username: string, password: string): Promise<string> {
  const answer = await send(
    baseUrl,
    'POST',
    '/api/auth/login',
    { 'content-type': 'application/json' },
    JSON.stringify({ username, password }),
  );
  expect(answer.status).toBe(200);
  const cookie = (answer.headers['set-cookie'] ?? []).find((line) => line.startsWith('hub_session='));
  expect(cookie).toMatch(/HttpOnly/i);
  expect(cookie).toMatch(/SameSite=Strict/i);
  return (cookie as string).split(';')[0] as string;
}

/** The headers a browser sends with a POST from a page of another port of the hub's host. */
const fromSameSite = (cookie: string) => ({
  cookie,
  origin: SAME_SITE_PAGE,
  'sec-fetch-site': 'same-site',
  'sec-fetch-mode': 'navigate',
});

/** Every way a page of another origin may send the cookie; none may change anything. */
const forgeries = (cookie: string): [string, Record<string, string>][] => [
  ['a same-site page (Sec-Fetch-Site: same-site)', fromSameSite(cookie)],
  ['a cross-site page', { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }],
  ['a browser without Fetch Metadata, Origin of another port', { cookie, origin: SAME_SITE_PAGE }],
  ['a sandboxed page (Origin: null)', { cookie, origin: 'null' }],
  ['a cookie without Origin or Sec-Fetch-Site', { cookie }],
  ['same-site with the hub’s Origin forged in', { cookie, origin: '', 'sec-fetch-site': 'same-site' }],
];

async function crossOriginRefusals(t: TestHub): Promise<number> {
  let total = 0;
  for (const reason of ['fetch_site', 'origin', 'no_origin']) {
    total += await metricValue(t, `hub_http_cross_origin_refusals_total{reason="${reason}"}`);
  }
  return total;
}

describe('state changes from a page of another origin, with the session cookie alone', () => {
  const t = suiteHub({ HUB_ALLOWED_ORIGINS: ALLOWED_PAGE });
  let cookie = '';
  let own = '';
  beforeAll(async () => {
    cookie = await sessionCookie(t.url, 'admin', ADMIN_PASSWORD);
    own = new URL(t.url).origin;
  });

  /** Every forgery of `method path` is refused with 403 cross_origin, and nothing it asks happens. */
  async function refusedEveryWay(method: string, path: string, body?: unknown): Promise<void> {
    for (const [how, headers] of forgeries(cookie)) {
      const withOwnOrigin = headers.origin === '' ? { ...headers, origin: own } : headers;
      const answer = await send(
        t.url,
        method,
        path,
        { ...withOwnOrigin, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body !== undefined ? JSON.stringify(body) : undefined,
      );
      expect(answer.status, how).toBe(403);
      expect(answer.body.error, how).toBe('cross_origin');
      expect(answer.body.message, how).toMatch(/其他来源/);
    }
  }

  it('keeps the alert open when a forged request acknowledges or takes it', async () => {
    const retiree = await t.addRetiree();
    const pendant = await t.addDevice('pendant.sos', retiree.id);
    const client = await t.connectDevice(pendant);
    await publish(client, `eldercare/v1/${pendant.device.id}/event`, { id: 'csrf-sos-1', type: 'sos' });
    const alert = await eventually(
      async () => (await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`)).body[0],
    );
    await refusedEveryWay('POST', `/api/alerts/${alert.id}/ack`, {});
    await refusedEveryWay('POST', `/api/alerts/${alert.id}/take`);
    await refusedEveryWay('POST', `/api/alerts/${alert.id}/resolve`, { outcome: 'false_alarm', note: 'x' });
    const after = await t.api<Alert>('GET', `/api/alerts/${alert.id}`);
    expect(after.body.status).toBe('open');
    expect(after.body.acknowledgedAt).toBeNull();
    expect(after.body.assignedToId).toBeNull();

    // The hub's own page acknowledges it with the cookie: browsers say same-origin.
    const ack = await send(
      t.url,
      'POST',
      `/api/alerts/${alert.id}/ack`,
      { cookie, origin: own, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      '{}',
    );
    expect(ack.status).toBe(200);
    expect((await t.api<Alert>('GET', `/api/alerts/${alert.id}`)).body.status).toBe('acknowledged');
  });

  it('keeps a pendant’s secret when a forged request rotates it', async () => {
    const pendant = await t.addDevice('pendant.sos', (await t.addRetiree()).id);
    await refusedEveryWay('POST', `/api/devices/${pendant.device.id}/secret`);
    // The secret issued at registration still opens the broker.
    const client: MqttClient = deviceClient(t.mqttUrl, pendant);
    try {
      expect((await connected(client)).returnCode ?? 0).toBe(0);
    } finally {
      await client.endAsync(true);
    }
    // With the bearer header (an API client) the rotation goes through.
    const rotated = await t.api<CreatedDevice>('POST', `/api/devices/${pendant.device.id}/secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(pendant.secret);
  });

  it('keeps an account enabled and its second factor when forged requests disable or reset them', async () => {
    const staff = await t.addStaff('csrf-operator', 'operator');
    // The operator turns TOTP on (with their own bearer token).
    const setup = await t.api<TotpSetup>('POST', '/api/auth/totp', undefined, staff.token);
    expect(setup.status).toBe(200);
    const step = totpStep(Date.now());
    const confirm = await t.api(
      'POST',
      '/api/auth/totp/confirm',
      { code: totpCode(setup.body.secret, step * TOTP_STEP_SECONDS * 1000) },
      staff.token,
    );
    expect(confirm.status).toBe(204);

    await refusedEveryWay('POST', `/api/users/${staff.id}/disable`);
    await refusedEveryWay('POST', `/api/users/${staff.id}/totp/reset`);
    // Still enabled, still asked for the code.
    const login = await t.api<{ error: string }>(
      'POST',
      '/api/auth/login',
      { username: 'csrf-operator', password: 'staff-password-1' },
      null,
    );
    expect(login.status).toBe(401);
    expect(login.body.error).toBe('totp_required');
    // Its session still works too (a reset or a disabling would have ended it).
    expect((await t.api('GET', '/api/auth/me', undefined, staff.token)).status).toBe(200);
  });

  it('runs no retention for a forged request', async () => {
    const runs = async () => {
      const text = (await t.api<string>('GET', '/metrics')).body;
      return text
        .split('\n')
        .filter((line) => line.startsWith('hub_retention_runs_total'))
        .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
    };
    const before = await runs();
    await refusedEveryWay('POST', '/api/privacy/retention/run');
    expect(await runs()).toBe(before);
    const ran = await send(t.url, 'POST', '/api/privacy/retention/run', { cookie, origin: own });
    expect(ran.status).toBe(200);
    expect(await runs()).toBe(before + 1);
  });

  it('lets the hub’s own pages, allowed origins and bearer clients through', async () => {
    const change = (headers: Record<string, string>) =>
      send(t.url, 'POST', '/api/auth/password', { ...headers, 'content-type': 'application/json' }, '{}');
    // 400: past the origin check, stopped by the body's schema (nothing changes either way).
    expect((await change({ cookie, 'sec-fetch-site': 'same-origin', origin: own })).status).toBe(400);
    expect((await change({ cookie, 'sec-fetch-site': 'same-origin' })).status).toBe(400);
    expect((await change({ cookie, origin: own })).status).toBe(400);
    expect((await change({ cookie, origin: ALLOWED_PAGE, 'sec-fetch-site': 'cross-site' })).status).toBe(400);
    expect((await change({ cookie, origin: ALLOWED_PAGE })).status).toBe(400);
    // The bearer header needs no origin, whatever else is sent: no page of another origin can set it.
    const bearer = { authorization: `Bearer ${t.token}` };
    expect((await change(bearer)).status).toBe(400);
    expect((await change({ ...bearer, ...fromSameSite(cookie) })).status).toBe(400);
    // Reading is no change: GET answers whatever the origin (the browser keeps the answer from it).
    expect((await send(t.url, 'GET', '/api/auth/me', fromSameSite(cookie))).status).toBe(200);
  });

  it('refuses a sign-in forced from another origin, and lets a script sign in', async () => {
    const credentials = JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD });
    const json = { 'content-type': 'application/json' };
    const forced: Record<string, string>[] = [
      { origin: SAME_SITE_PAGE, 'sec-fetch-site': 'same-site' },
      { origin: SAME_SITE_PAGE },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of forced) {
      const answer = await send(t.url, 'POST', '/api/auth/login', { ...json, ...headers }, credentials);
      expect(answer.status).toBe(403);
      expect(answer.body.error).toBe('cross_origin');
      expect(answer.headers['set-cookie']).toBeUndefined();
    }
    expect((await send(t.url, 'POST', '/api/auth/login', json, credentials)).status).toBe(200);
    const page = { ...json, origin: own, 'sec-fetch-site': 'same-origin' };
    expect((await send(t.url, 'POST', '/api/auth/login', page, credentials)).status).toBe(200);
  });

  it('takes no text/plain, form or multipart body on a JSON route, even from the hub’s own page', async () => {
    const page = { cookie, origin: own, 'sec-fetch-site': 'same-origin' };
    const retiree = await t.addRetiree();
    const pendant = await t.addDevice('pendant.sos', retiree.id);
    const client = await t.connectDevice(pendant);
    await publish(client, `eldercare/v1/${pendant.device.id}/event`, { id: 'csrf-sos-2', type: 'sos' });
    const alert = await eventually(
      async () => (await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`)).body[0],
    );
    for (const [type, body] of [
      ['text/plain', 'x=1'],
      ['text/plain;charset=UTF-8', ''],
      ['application/x-www-form-urlencoded', 'x=1'],
      [
        'multipart/form-data; boundary=b',
        '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--b--\r\n',
      ],
    ] as const) {
      const answer = await send(
        t.url,
        'POST',
        `/api/alerts/${alert.id}/ack`,
        { ...page, 'content-type': type },
        body,
      );
      expect(answer.status, type).toBe(415);
      expect(answer.body.error, type).toBe('unsupported_media_type');
      const bearer = await send(
        t.url,
        'POST',
        `/api/alerts/${alert.id}/take`,
        { authorization: `Bearer ${t.token}`, 'content-type': type },
        body,
      );
      expect(bearer.status, type).toBe(415);
    }
    expect((await t.api<Alert>('GET', `/api/alerts/${alert.id}`)).body.status).toBe('open');
  });

  it('counts each refusal and writes it to the audit log', async () => {
    const before = await crossOriginRefusals(t);
    const sameSite = await send(t.url, 'POST', '/api/privacy/retention/run', fromSameSite(cookie));
    expect(sameSite.status).toBe(403);
    expect(await crossOriginRefusals(t)).toBe(before + 1);
    expect(
      await metricValue(
        t,
        'hub_http_responses_total{method="POST",route="/api/privacy/retention/run",status="403"}',
      ),
    ).toBeGreaterThan(0);
    const entry = await eventually(async () => {
      const page = await t.api<{ items: AuditEntry[] }>('GET', '/api/audit?action=denied&limit=20');
      return page.body.items.find(
        (item) => item.targetId === '/api/privacy/retention/run' && item.detail.fetchSite === 'same-site',
      );
    });
    expect(entry).toMatchObject({
      action: 'denied',
      result: '4xx',
      detail: { status: 403, error: 'cross_origin', crossOrigin: 'fetch_site', origin: SAME_SITE_PAGE },
    });
  });
});
