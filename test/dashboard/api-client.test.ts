/**
 * The dashboard's API client against a real hub: its types are the hub's own OpenAPI document
 * (dashboard/src/api/schema.d.ts, kept current by `npm run api:types`), and its middleware sends the
 * session's token, reports an ended session, and turns refusals into `ApiError` as the pages expect.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, callsOf, createApiClient, rawBody } from '../../dashboard/src/api/client.ts';
import { onUnauthorized, storeToken } from '../../dashboard/src/api/http.ts';
import { apiTypes, SCHEMA_FILE, servedDocument } from '../../scripts/api-types.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { freePort } from '../helpers/tmp.ts';

let hub: TestHub;
let unauthorized = 0;

beforeAll(async () => {
  hub = await startTestHub();
  onUnauthorized(() => {
    unauthorized += 1;
  });
});

afterAll(async () => {
  storeToken(null);
  await hub?.stop();
});

/** What a call threw, or null when it did not throw. */
async function thrown(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
    return null;
  } catch (error) {
    return error;
  }
}

describe('dashboard API types', () => {
  it('match the OpenAPI document the hub serves', async () => {
    const generated = await apiTypes(await servedDocument(hub.url));
    const checkedIn = await readFile(SCHEMA_FILE, 'utf8');
    // A plain equality, not a snapshot: the message says how to bring the file up to date.
    if (generated !== checkedIn) {
      expect.fail(
        'dashboard/src/api/schema.d.ts differs from the OpenAPI document of the hub: run `npm run api:types`',
      );
    }
  });

  it('come out the same from the same document', async () => {
    const document = await servedDocument(hub.url);
    expect(await apiTypes(structuredClone(document))).toBe(await apiTypes(document));
  });
});

describe('dashboard API client', () => {
  it('sends the token kept in memory as a bearer token', async () => {
    const api = createApiClient(hub.url);
    storeToken(hub.token);
    const { data } = await api.GET('/api/auth/me');
    expect(data?.username).toBe('admin');
  });

  it('turns a refusal into ApiError with the server code and message, without ending the session', async () => {
    const api = createApiClient(hub.url);
    storeToken(hub.token);
    const before = unauthorized;
    const error = await thrown(() =>
      api.GET('/api/alerts/{id}', { params: { path: { id: 'no-such-alert' } } }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: 'not_found' });
    expect((error as ApiError).message).not.toBe('');
    expect(unauthorized).toBe(before);
  });

  it('reports a 401 once, so the app can sign out and send the user to the login page', async () => {
    const api = createApiClient(hub.url);
    storeToken('a-token-the-hub-never-issued');
    const before = unauthorized;
    const error = await thrown(() => api.GET('/api/alerts'));
    expect(error).toMatchObject({ name: 'ApiError', status: 401 });
    expect(unauthorized).toBe(before + 1);
  });

  it('leaves a wrong password to the login page: no bearer token, no sign-out, the refusal readable', async () => {
    const api = createApiClient(hub.url);
    // A stale token must not decide a sign-in.
    storeToken('a-token-the-hub-never-issued');
    const before = unauthorized;
    const answer = await api.POST('/api/auth/login', {
      body: { username: 'admin', password: 'wrong-password-1' },
    });
    expect(answer.response.status).toBe(401);
    expect(answer.error).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    expect(unauthorized).toBe(before);

    const session = await api.GET('/api/auth/session');
    expect(session.data).toStrictEqual({ user: null });
    expect(unauthorized).toBe(before);
  });

  it('leaves out cleared filters and sends booleans and numbers as the routes read them', async () => {
    const api = createApiClient(hub.url);
    storeToken(hub.token);
    // A select the user cleared holds '': sent as `status=`, the route would refuse the list.
    const { data } = await api.GET('/api/archive/retirees', {
      params: { query: { q: '', status: '' as never, bedridden: false, limit: 5 } },
    });
    expect(data).toMatchObject({ limit: 5, offset: 0 });
  });

  it('sends a file as the raw body of an upload', async () => {
    const api = createApiClient(hub.url);
    storeToken(hub.token);
    const retireeId = await hub.addArchiveRetiree('上传测试', '一站');
    const pdf = new Blob(['%PDF-1.4\n%%EOF\n'], { type: 'application/pdf' });
    const { data } = await api.POST('/api/archive/retirees/{id}/attachments', {
      params: { path: { id: retireeId }, query: { name: '体检报告.pdf' } },
      ...rawBody(pdf),
    });
    expect(data).toMatchObject({ retireeId, name: '体检报告.pdf', contentType: 'application/pdf' });
  });

  it('turns a hub out of reach into a network ApiError (status 0)', async () => {
    const api = createApiClient(`http://127.0.0.1:${await freePort()}`);
    const error = await thrown(() => api.GET('/api/auth/me'));
    expect(error).toMatchObject({ name: 'ApiError', status: 0, code: 'network' });
  });
});

describe('dashboard API call makers', () => {
  it('send the method to the path, with its parameters in the order they stand in it, and resolve with the answer', async () => {
    storeToken(hub.token);
    const calls = callsOf(createApiClient(hub.url));
    const me = await calls.get('/api/auth/me')();
    const from = '2030-03-01T00:00:00.000Z';
    const to = '2030-03-02T00:00:00.000Z';
    const shifts = calls.get('/api/duty/roster');

    const shift = await calls.post('/api/duty/roster')({
      userId: me.id,
      startsAt: '2030-03-01T08:00:00.000Z',
      endsAt: '2030-03-01T20:00:00.000Z',
    });
    expect(shift).toMatchObject({ userId: me.id, startsAt: '2030-03-01T08:00:00.000Z' });
    expect((await shifts({ from, to })).map((listed) => listed.id)).toStrictEqual([shift.id]);
    await calls.delete('/api/duty/roster/{id}')(shift.id);
    expect(await shifts({ from, to })).toStrictEqual([]);

    // Two parameters of different types: the year first, then the retiree, as in the path.
    const retireeId = await hub.addArchiveRetiree('计划测试', '一站');
    await calls.put('/api/medical/health-checks/plan/{year}/{retireeId}')(2030, retireeId, {
      dueOn: '2030-06-01',
    });
    const plan = await calls.get('/api/medical/health-checks/plan')({ year: 2030, list: 'all', limit: 500 });
    expect(plan.items.find((entry) => entry.retireeId === retireeId)).toMatchObject({
      dueOn: '2030-06-01',
      scheduled: true,
    });
  });

  it('turn a refusal into ApiError, as the client does', async () => {
    storeToken(hub.token);
    const error = await thrown(() =>
      callsOf(createApiClient(hub.url)).get('/api/alerts/{id}')('no-such-alert'),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('dashboard API modules', () => {
  const source = path.resolve(import.meta.dirname, '../../dashboard/src');
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return files(full);
      return /\.(ts|vue)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
    });
  /** Every call of the API: a client method, a one-line call, a kind's calls or a file helper given a path of the hub. */
  const call =
    /\b(?:api\.(?:GET|POST|PUT|PATCH|DELETE)|call\.(?:get|post|put|patch|delete)|download|downloadFile|recordCalls|fetchFile|openPdf)\(\s*['`]\/api\/([a-z0-9-]+)/g;
  const callers = new Map<string, Set<string>>();
  for (const file of files(source)) {
    for (const match of readFileSync(file, 'utf8').matchAll(call)) {
      const area = match[1] ?? '';
      const found = callers.get(area) ?? new Set<string>();
      found.add(path.relative(source, file));
      callers.set(area, found);
    }
  }

  it('finds the calls it checks', () => {
    expect(callers.size).toBeGreaterThan(20);
  });

  it("calls each area of the API from one module: the frame's in api/, a page's in views/<area>/api.ts", () => {
    const spread = [...callers]
      .filter(([, found]) => found.size > 1)
      .map(([area, found]) => [area, [...found]]);
    expect(spread).toStrictEqual([]);
    const elsewhere = [...callers.values()]
      .flatMap((found) => [...found])
      .filter((file) => !/^(api\/[a-z]+\.ts|views\/[a-z]+\/api\.ts)$/.test(file));
    expect(elsewhere).toStrictEqual([]);
  });
});
