/**
 * HTTP bodies, query strings and headers against a real hub: routes taken from its own OpenAPI
 * document, arbitrary and mutated input sent with a valid admin token. Every answer is 2xx, or 4xx
 * with `{error, message}`; never a 5xx; the hub still answers /healthz afterwards.
 */
import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';
import { suiteRuns } from './generators.ts';
import { httpInput, loadOperations, type Operation, problemWith, send } from './http-targets.ts';

/** A raw request, for what fetch will not send (oversized and malformed headers). */
function rawRequest(
  url: string,
  path: string,
  headers: Record<string, string | string[]>,
  method = 'GET',
  body?: string,
): Promise<{ status: number; text: string }> {
  const target = new URL(path, url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method, headers },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('HTTP: arbitrary bodies and query strings on the documented routes', () => {
  let t: TestHub;
  let operations: Operation[];
  let knownIds: string[];
  beforeAll(async () => {
    t = await startTestHub();
    operations = await loadOperations(t.url);
    const retiree = await t.addRetiree();
    const device = await t.addDevice('wearable.watch', retiree.id);
    knownIds = [retiree.id, device.device.id, retiree.contacts[0]?.id ?? retiree.id];
  });
  afterAll(() => t?.stop());

  it('reads a route list from /docs/json that covers the API', () => {
    expect(operations.length).toBeGreaterThan(100);
    expect(
      operations.some((operation) => operation.path === '/api/retirees' && operation.method === 'POST'),
    ).toBe(true);
  });

  it('answers every request 2xx or 4xx with {error, message}, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(httpInput(operations, knownIds), async (input) => {
        const answer = await send(t.url, t.token, {
          method: input.operation.method,
          path: input.path,
          query: input.query,
          ...(input.body !== undefined && input.operation.method !== 'GET' ? { body: input.body } : {}),
        });
        const problem = problemWith(answer);
        expect(
          problem,
          `${input.operation.method} ${input.path}?${input.query} ${input.body?.slice(0, 200)}`,
        ).toBe(undefined);
      }),
      suiteRuns(250),
    );
    expect((await t.api('GET', '/healthz', undefined, null)).status).toBe(200);
  });

  it('refuses an offset beyond the bound on every paged list with 400, and takes the bound itself', async () => {
    const paged = operations.filter(
      (operation) =>
        operation.method === 'GET' &&
        operation.queryParams.includes('offset') &&
        !operation.pathParams.length,
    );
    expect(paged.length).toBeGreaterThan(3);
    for (const operation of paged) {
      // 1e300 is an integer to the validator; PostgreSQL's OFFSET takes at most a bigint.
      for (const offset of ['1e300', '9223372036854775808', '10000001']) {
        const answer = await send(t.url, t.token, {
          method: 'GET',
          path: operation.path,
          query: `offset=${offset}`,
        });
        expect(answer.status, `${operation.path}?offset=${offset} ${answer.text}`).toBe(400);
        expect(problemWith(answer)).toBe(undefined);
      }
      const bound = await send(t.url, t.token, {
        method: 'GET',
        path: operation.path,
        query: 'offset=10000000',
      });
      // Taken, or refused for another parameter (an export asks for a reason), never for the offset.
      expect(bound.status, `${operation.path} ${bound.text}`).toBeLessThan(500);
      if (bound.status === 400) expect(bound.text).not.toMatch(/offset/);
    }
  });

  it('refuses a date or date-time that JavaScript or PostgreSQL cannot hold with 400, on every route', async () => {
    const withFrom = operations.filter(
      (operation) =>
        operation.method === 'GET' && operation.queryParams.includes('from') && !operation.pathParams.length,
    );
    const access = withFrom.find((operation) => operation.path === '/api/archive/access-log');
    expect(access).toBeDefined();
    for (const from of ['0000-01-01T00:00:00+14:00', '2026-06-30T23:59:60Z', '9999-12-31T23:59:59-12:00']) {
      const answer = await send(t.url, t.token, {
        method: 'GET',
        path: '/api/archive/access-log',
        query: `from=${encodeURIComponent(from)}`,
      });
      expect(answer.status, `${from} ${answer.text}`).toBe(400);
      expect(problemWith(answer)).toBe(undefined);
    }
    const retirees = (await t.api<unknown[]>('GET', '/api/retirees')).body.length;
    const yearZero = await send(t.url, t.token, {
      method: 'POST',
      path: '/api/retirees',
      body: JSON.stringify({ name: '王', gender: 'male', birthDate: '0000-01-01' }),
    });
    expect(yearZero.status, yearZero.text).toBe(400);
    expect((await t.api<unknown[]>('GET', '/api/retirees')).body.length).toBe(retirees);
    const fine = await send(t.url, t.token, {
      method: 'GET',
      path: '/api/archive/access-log',
      query: `from=${encodeURIComponent('0001-01-01T00:00:00Z')}`,
    });
    expect(fine.status, fine.text).toBe(200);
  });

  it('refuses bodies whose every key is its own with a wrong type, changing nothing', async () => {
    const before = await t.api<unknown[]>('GET', '/api/retirees');
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          name: fc.oneof(
            fc.integer(),
            fc.constant(''),
            fc.constant(null),
            fc.string({ minLength: 200, maxLength: 400 }),
          ),
          gender: fc.oneof(fc.string({ maxLength: 5 }), fc.integer()),
          birthDate: fc.constantFrom('2026-02-30', '9999-01-01', '1938/05/01', 19380501, '', null),
        }),
        async (body) => {
          const answer = await send(t.url, t.token, {
            method: 'POST',
            path: '/api/retirees',
            body: JSON.stringify(body),
          });
          expect(answer.status).toBe(400);
          expect(problemWith(answer)).toBe(undefined);
        },
      ),
      suiteRuns(40),
    );
    const after = await t.api<unknown[]>('GET', '/api/retirees');
    expect(after.body.length).toBe(before.body.length);
  });
});

describe('HTTP: the NUL character, which PostgreSQL text cannot hold', () => {
  const t = suiteHub();

  it('refuses \\u0000 in a body string or key, or %00 in a query or path, with 400 naming where; nothing changes', async () => {
    const retiree = await t.addRetiree();
    const before = (await t.api<unknown[]>('GET', '/api/retirees')).body.length;
    const valid = { name: '王', gender: 'male', birthDate: '1938-05-01' };
    const cases: { method: string; path: string; body?: string; where: RegExp }[] = [
      {
        method: 'POST',
        path: '/api/retirees',
        body: JSON.stringify({ ...valid, name: 'a\u0000b' }),
        where: /\/name/,
      },
      {
        method: 'POST',
        path: '/api/retirees',
        body: JSON.stringify({
          ...valid,
          contacts: [{ name: '家属', relation: '女\u0000儿', phone: '138' }],
        }),
        where: /\/contacts\/0\/relation/,
      },
      {
        method: 'PATCH',
        path: `/api/retirees/${retiree.id}`,
        body: JSON.stringify({ address: '\u0000' }),
        where: /\/address/,
      },
      {
        method: 'POST',
        path: '/api/retirees',
        body: JSON.stringify({ ...valid, '\u0000x': 1 }),
        where: /\/\\u0000x/,
      },
      { method: 'GET', path: '/api/archive/retirees?q=%00', where: /%00/ },
      { method: 'GET', path: '/api/retirees/%00', where: /%00/ },
    ];
    for (const entry of cases) {
      const answer = await send(t.url, t.token, {
        method: entry.method,
        path: entry.path,
        ...(entry.body !== undefined ? { body: entry.body } : {}),
      });
      expect(answer.status, `${entry.method} ${entry.path} ${answer.text}`).toBe(400);
      expect(problemWith(answer)).toBe(undefined);
      expect(JSON.parse(answer.text).message).toMatch(entry.where);
    }
    expect((await t.api<unknown[]>('GET', '/api/retirees')).body.length).toBe(before);
    expect(
      (await t.api<{ address: string }>('GET', `/api/retirees/${retiree.id}`)).body.address,
    ).not.toContain('\u0000');
  });
});

describe('HTTP: headers', () => {
  const t = suiteHub();

  it('refuses a bad Authorization header with 401 {error, message}', async () => {
    const header = fc.oneof(
      fc.string({ maxLength: 60 }).map((text) => `Bearer ${text.replace(/[^\x20-\x7e]/g, 'x')}`),
      fc.constantFrom(
        'Bearer',
        'Bearer ',
        'bearer',
        'Basic YWRtaW46YWRtaW4=',
        'Token abc',
        'Bearer a b c',
        '',
      ),
      fc.nat({ max: 12_000 }).map((length) => `Bearer ${'A'.repeat(length)}`),
      fc
        .uint8Array({ minLength: 1, maxLength: 40 })
        .map((bytes) => `Bearer ${Buffer.from(bytes).toString('base64')}`),
    );
    await fc.assert(
      fc.asyncProperty(header, async (authorization) => {
        const answer = await rawRequest(t.url, '/api/retirees', { authorization });
        expect([401, 431]).toContain(answer.status);
        expect(problemWith({ status: answer.status, contentType: '', text: answer.text })).toBe(undefined);
      }),
      suiteRuns(60),
    );
  });

  it('answers oversized headers with 431 and keeps serving', async () => {
    for (const size of [17 * 1024, 200 * 1024]) {
      const answer = await rawRequest(t.url, '/api/retirees', { 'x-filler': 'a'.repeat(size) }).catch(() => ({
        status: 431,
        text: '{"error":"closed","message":"closed"}',
      }));
      expect(answer.status).toBe(431);
    }
    const many = Object.fromEntries(Array.from({ length: 3000 }, (_, index) => [`x-h${index}`, 'v']));
    const answer = await rawRequest(t.url, '/api/retirees', many).catch(() => ({ status: 431, text: '' }));
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect((await t.api('GET', '/healthz', undefined, null)).status).toBe(200);
  });

  it('refuses a JSON route sent another content type, or a body that is not what it says', async () => {
    const contentType = fc.oneof(
      fc.constantFrom(
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        'application/json; charset=utf-16',
        'application/jsonp',
        '*/*',
        'image/png',
      ),
      fc.string({ minLength: 1, maxLength: 40 }).map((text) => text.replace(/[^\x21-\x7e]/g, 'x')),
    );
    const body = fc.oneof(
      fc.constant(JSON.stringify({ name: '王', gender: 'male', birthDate: '1938-05-01' })),
      fc.string({ maxLength: 80 }),
    );
    const before = (await t.api<unknown[]>('GET', '/api/retirees')).body.length;
    await fc.assert(
      fc.asyncProperty(contentType, body, async (type, text) => {
        const answer = await rawRequest(
          t.url,
          '/api/retirees',
          {
            authorization: `Bearer ${t.token}`,
            'content-type': type,
            'content-length': String(Buffer.byteLength(text)),
          },
          'POST',
          text,
        );
        expect(answer.status, `${type} ${answer.text}`).toBeGreaterThanOrEqual(400);
        expect(problemWith({ status: answer.status, contentType: '', text: answer.text })).toBe(undefined);
      }),
      suiteRuns(60),
    );
    expect((await t.api<unknown[]>('GET', '/api/retirees')).body.length).toBe(before);
  });
});
