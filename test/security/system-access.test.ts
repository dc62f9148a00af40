/**
 * /metrics and /docs: open by default (Prometheus scrapers, API clients), closed on request
 * (HUB_METRICS_REQUIRE_AUTH with HUB_METRICS_TOKEN for the scraper, HUB_DOCS_REQUIRE_AUTH), with
 * settings that name themselves when they are wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { ADMIN_PASSWORD, configError, startTestHub, type TestHub } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

const METRICS_TOKEN = 'scraper-0123456789abcdef0123456789abcdef';

/** GET with these headers; the status, the WWW-Authenticate header and the text. */
async function get(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; challenge: string | null; text: string }> {
  const response = await fetch(`${baseUrl}${path}`, { headers });
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    text: await response.text(),
  };
}

/** Signs in by HTTP and keeps only the session cookie the answer sets. */
async function sessionCookie(baseUrl: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(response.status).toBe(200);
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith('hub_session='));
  return (cookie ?? '').split(';')[0] ?? '';
}

describe('settings of /metrics and /docs', () => {
  it('defaults to open, and a metrics token closes /metrics', () => {
    expect(loadConfig({}).systemAccess).toStrictEqual({
      metricsRequireAuth: false,
      metricsToken: undefined,
      docsRequireAuth: false,
    });
    expect(loadConfig({ HUB_METRICS_TOKEN: METRICS_TOKEN }).systemAccess).toMatchObject({
      metricsRequireAuth: true,
      metricsToken: METRICS_TOKEN,
    });
    expect(
      loadConfig({ HUB_METRICS_REQUIRE_AUTH: 'true', HUB_DOCS_REQUIRE_AUTH: 'yes' }).systemAccess,
    ).toStrictEqual({ metricsRequireAuth: true, metricsToken: undefined, docsRequireAuth: true });
  });

  it('names the setting of a bad value', () => {
    expect(configError({ HUB_METRICS_REQUIRE_AUTH: 'maybe' }).variable).toBe('HUB_METRICS_REQUIRE_AUTH');
    expect(configError({ HUB_DOCS_REQUIRE_AUTH: 'on' }).variable).toBe('HUB_DOCS_REQUIRE_AUTH');
    expect(configError({ HUB_METRICS_TOKEN: 'short' }).variable).toBe('HUB_METRICS_TOKEN');
    expect(configError({ HUB_METRICS_TOKEN: `${METRICS_TOKEN} x` }).variable).toBe('HUB_METRICS_TOKEN');
    const contradicted = configError({ HUB_METRICS_TOKEN: METRICS_TOKEN, HUB_METRICS_REQUIRE_AUTH: 'false' });
    expect(contradicted.variable).toBe('HUB_METRICS_TOKEN');
    expect(contradicted.message).toMatch(/HUB_METRICS_REQUIRE_AUTH/);
  });
});

describe('a hub with the defaults', () => {
  const t = suiteHub();

  it('serves /metrics and /docs to anyone, as scrapers expect', async () => {
    const metrics = await get(t.url, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/^# HELP /m);
    expect((await get(t.url, '/docs')).status).toBe(200);
    expect((await get(t.url, '/docs/json')).status).toBe(200);
  });
});

describe('a hub that closes /metrics and /docs', () => {
  let t: TestHub;
  let operator: { id: string; token: string };
  let supervisor: { id: string; token: string };
  beforeAll(async () => {
    t = await startTestHub({
      HUB_METRICS_REQUIRE_AUTH: 'true',
      HUB_METRICS_TOKEN: METRICS_TOKEN,
      HUB_DOCS_REQUIRE_AUTH: 'true',
    });
    operator = await t.addStaff('metrics-operator', 'operator');
    supervisor = await t.addStaff('metrics-supervisor', 'supervisor');
  });
  afterAll(() => t?.stop());

  it('gives /metrics to the scraper’s token and to admins and supervisors only', async () => {
    const anonymous = await get(t.url, '/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.challenge).toMatch(/^Bearer /);
    expect(JSON.parse(anonymous.text)).toMatchObject({ error: 'unauthorized' });
    expect(anonymous.text).not.toMatch(/hub_/);
    expect((await get(t.url, '/metrics', { authorization: `Bearer ${METRICS_TOKEN}x` })).status).toBe(401);
    expect((await get(t.url, '/metrics', { authorization: `Basic ${METRICS_TOKEN}` })).status).toBe(401);
    const scraper = await get(t.url, '/metrics', { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(scraper.status).toBe(200);
    expect(scraper.text).toMatch(/hub_http_responses_total/);
    expect((await get(t.url, '/metrics', { authorization: `Bearer ${t.token}` })).status).toBe(200);
    expect((await get(t.url, '/metrics', { authorization: `Bearer ${supervisor.token}` })).status).toBe(200);
    const refused = await get(t.url, '/metrics', { authorization: `Bearer ${operator.token}` });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text)).toMatchObject({ error: 'forbidden' });
    // The health check stays open for load balancers.
    expect((await get(t.url, '/healthz')).status).toBe(200);
  });

  it('opens the metrics token nowhere else', async () => {
    const bearer = { authorization: `Bearer ${METRICS_TOKEN}` };
    expect((await get(t.url, '/api/auth/me', bearer)).status).toBe(401);
    expect((await get(t.url, '/docs/json', bearer)).status).toBe(401);
  });

  it('gives /docs to signed-in staff, by cookie or bearer token', async () => {
    for (const path of ['/docs', '/docs/json', '/docs/yaml']) {
      const anonymous = await get(t.url, path);
      expect(anonymous.status, path).toBe(401);
      expect(JSON.parse(anonymous.text), path).toMatchObject({ error: 'unauthorized' });
    }
    const cookie = await sessionCookie(t.url, 'admin', ADMIN_PASSWORD);
    const page = await get(t.url, '/docs', { cookie });
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/swagger-ui/);
    const document = await get(t.url, '/docs/json', { authorization: `Bearer ${operator.token}` });
    expect(document.status).toBe(200);
    expect(JSON.parse(document.text)).toHaveProperty('openapi');
  });
});
