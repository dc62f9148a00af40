/**
 * The headers of every answer of a real hub: no framing anywhere (dashboard pages, assets, /api,
 * /docs, /metrics, refusals, 404s), nosniff, no referrer, no caching of API answers, a sandbox
 * around every API answer and so every download, no HSTS over plain HTTP; and files that are not
 * the image they claim to be refused as attachments.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_CSP, DOCS_CSP } from '../../server/security/headers.ts';
import { DASHBOARD_DIST, ensureDashboardBuilt } from '../browser/helpers.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';

/** A real 1×1 PNG: signature, IHDR (with its CRC), IDAT, IEND. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One request as it is written (node:http; a URL `fetch` would normalize is sent as given). */
function send(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Buffer | string,
): Promise<Answer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = http.request({ hostname, port, method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          text: Buffer.concat(chunks).toString('latin1'),
        }),
      );
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** The CSP directives of an answer, by name. */
function directives(answer: Answer): Map<string, string> {
  const policy = String(answer.headers['content-security-policy'] ?? '');
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [name = '', ...values] = part.split(/\s+/);
        return [name.toLowerCase(), values.join(' ')] as const;
      }),
  );
}

/** What every answer carries, whoever asked and whatever it says. */
function expectNeverFramedOrSniffed(answer: Answer, what: string): void {
  expect(directives(answer).get('frame-ancestors'), what).toBe("'none'");
  expect(answer.headers['x-frame-options'], what).toBe('DENY');
  expect(answer.headers['x-content-type-options'], what).toBe('nosniff');
  expect(answer.headers['referrer-policy'], what).toBe('no-referrer');
  // Plain HTTP: HSTS would be ignored there and must not be sent (RFC 6797 7.2).
  expect(answer.headers['strict-transport-security'], what).toBeUndefined();
}

describe('security headers on every answer', () => {
  let t: TestHub;
  let script = '';
  let stylesheet = '';
  beforeAll(async () => {
    await ensureDashboardBuilt();
    const index = readFileSync(join(DASHBOARD_DIST, 'index.html'), 'utf8');
    script = /src="(\/assets\/[^"]+\.js)"/.exec(index)?.[1] ?? '';
    stylesheet = /href="(\/assets\/[^"]+\.css)"/.exec(index)?.[1] ?? '';
    t = await startTestHub();
  }, 180_000);
  afterAll(() => t?.stop());

  it('forbids framing everywhere: pages, assets, API, docs, metrics, refusals and 404s', async () => {
    const bearer = { authorization: `Bearer ${t.token}` };
    const answers: [string, Promise<Answer>, number][] = [
      ['the dashboard', send(t.url, 'GET', '/'), 200],
      ['a dashboard page', send(t.url, 'GET', '/archive'), 200],
      ['its script', send(t.url, 'GET', script), 200],
      ['its stylesheet', send(t.url, 'GET', stylesheet), 200],
      ['the icon', send(t.url, 'GET', '/favicon.svg'), 200],
      ['a missing asset', send(t.url, 'GET', '/assets/gone-0000.js'), 404],
      ['an API answer', send(t.url, 'GET', '/api/alerts', bearer), 200],
      ['an API refusal', send(t.url, 'GET', '/api/alerts'), 401],
      ['an unknown API route', send(t.url, 'GET', '/api/nothing-here', bearer), 404],
      [
        'a bad body',
        send(t.url, 'POST', '/api/retirees', { ...bearer, 'content-type': 'text/plain' }, 'x'),
        415,
      ],
      ['the OpenAPI page', send(t.url, 'GET', '/docs'), 200],
      ['the OpenAPI JSON', send(t.url, 'GET', '/docs/json'), 200],
      ['Swagger UI’s bundle', send(t.url, 'GET', '/docs/static/swagger-ui-bundle.js'), 200],
      ['the metrics', send(t.url, 'GET', '/metrics'), 200],
      ['the health check', send(t.url, 'GET', '/healthz'), 200],
      // Answered by fastify before any hook: a path that does not decode.
      ['a URL that does not decode', send(t.url, 'GET', '/%E0%A4%A'), 400],
      ['an API URL that does not decode', send(t.url, 'POST', '/api/alerts/%zz/ack', bearer), 400],
    ];
    for (const [what, pending, status] of answers) {
      const answer = await pending;
      expect(answer.status, what).toBe(status);
      expectNeverFramedOrSniffed(answer, what);
      if (status >= 400 && answer.headers['content-type']?.startsWith('application/json')) {
        expect(JSON.parse(answer.text), what).toMatchObject({
          error: expect.any(String),
          message: expect.any(String),
        });
      }
    }
  });

  it('gives the dashboard a policy without inline or evaluated script', async () => {
    const page = await send(t.url, 'GET', '/');
    const policy = directives(page);
    expect(policy.get('default-src')).toBe("'self'");
    expect(policy.get('script-src')).toBe("'self'");
    expect(policy.get('script-src-attr')).toBe("'none'");
    expect(policy.get('style-src')).toBe("'self'");
    expect(policy.get('object-src')).toBe("'none'");
    expect(policy.get('base-uri')).toBe("'self'");
    expect(policy.get('form-action')).toBe("'self'");
    expect(policy.get('connect-src')).toBe("'self'");
    expect(page.headers['content-security-policy']).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(page.headers['cross-origin-resource-policy']).toBe('same-origin');
    // The dashboard itself may be cached; answers with health data may not.
    expect(page.headers['cache-control'] ?? '').not.toMatch(/no-store/);
  });

  it('gives Swagger UI its own policy', async () => {
    for (const path of ['/docs', '/docs/json']) {
      const answer = await send(t.url, 'GET', path);
      expect(answer.headers['content-security-policy'], path).toBe(DOCS_CSP);
    }
  });

  it('sandboxes every API answer and keeps it out of caches', async () => {
    const bearer = { authorization: `Bearer ${t.token}` };
    for (const [method, path, headers] of [
      ['GET', '/api/retirees', bearer],
      ['GET', '/api/auth/me', bearer],
      ['GET', '/api/auth/me', {}],
      ['POST', '/api/auth/login', { 'content-type': 'application/json' }],
    ] as const) {
      const answer = await send(t.url, method, path, headers, method === 'POST' ? '{}' : undefined);
      expect(answer.headers['content-security-policy'], path).toBe(API_CSP);
      expect(answer.headers['cache-control'], path).toBe('no-store');
    }
  });

  it('serves downloads as files that run nothing: attachments, exports, PDFs, the privacy export', async () => {
    const bearer = { authorization: `Bearer ${t.token}` };
    const retireeId = await t.addArchiveRetiree('下载测试', '一站');
    const added = await send(
      t.url,
      'POST',
      `/api/archive/retirees/${retireeId}/attachments?name=scan.png`,
      { ...bearer, 'content-type': 'image/png' },
      PNG,
    );
    expect(added.status).toBe(201);
    const attachmentId = (JSON.parse(added.text) as { id: string }).id;
    const retiree = await t.addRetiree();
    const downloads = [
      `/api/archive/retirees/${retireeId}/attachments/${attachmentId}?reason=${encodeURIComponent('核对证件')}`,
      `/api/archive/retirees.xlsx?reason=${encodeURIComponent('年度统计')}`,
      `/api/retirees/${retiree.id}/rescue-card.pdf`,
      `/api/privacy/retirees/${retireeId}/export?reason=${encodeURIComponent('本人申请')}`,
    ];
    for (const path of downloads) {
      const answer = await send(t.url, 'GET', path, bearer);
      expect(answer.status, path).toBe(200);
      expect(answer.headers['content-disposition'], path).toBeDefined();
      expect(answer.headers['x-content-type-options'], path).toBe('nosniff');
      const policy = directives(answer);
      expect(policy.has('sandbox'), path).toBe(true);
      expect(policy.get('default-src'), path).toBe("'none'");
      expect(answer.headers['cache-control'], path).toBe('no-store');
    }
  });

  it('refuses an image whose structure does not follow its signature (an HTML polyglot)', async () => {
    const bearer = { authorization: `Bearer ${t.token}` };
    const retireeId = await t.addArchiveRetiree('多语文件', '一站');
    const upload = (bytes: Buffer, type: string) =>
      send(
        t.url,
        'POST',
        `/api/archive/retirees/${retireeId}/attachments?name=x`,
        { ...bearer, 'content-type': type },
        bytes,
      );
    const page = Buffer.from('<html><body><script>fetch("/api/retirees")</script></body></html>');
    const brokenCrc = Buffer.from(PNG);
    brokenCrc.writeUInt32BE(0, 29);
    const refused: [string, Buffer, string][] = [
      ['a PNG signature before a page', Buffer.concat([PNG.subarray(0, 8), page]), 'image/png'],
      [
        'a PNG whose IHDR length is wrong',
        Buffer.concat([PNG.subarray(0, 11), Buffer.from([14]), PNG.subarray(12)]),
        'image/png',
      ],
      ['a PNG whose IHDR CRC is wrong', brokenCrc, 'image/png'],
      [
        'a PNG whose first chunk is not IHDR',
        Buffer.concat([PNG.subarray(0, 12), Buffer.from('tEXt'), PNG.subarray(16)]),
        'image/png',
      ],
      ['a JPEG SOI before a page', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), page]), 'image/jpeg'],
      [
        'a JPEG SOI and a marker that starts no segment',
        Buffer.from([0xff, 0xd8, 0xff, 0xd9, 0x00, 0x10]),
        'image/jpeg',
      ],
    ];
    for (const [what, bytes, type] of refused) {
      const answer = await upload(bytes, type);
      expect(answer.status, what).toBe(415);
      expect(JSON.parse(answer.text), what).toMatchObject({ error: 'unsupported_media_type' });
    }
    expect((await upload(PNG, 'image/png')).status).toBe(201);
    const jfif = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
      Buffer.from('JFIF\0'),
      Buffer.alloc(9),
      Buffer.from([0xff, 0xd9]),
    ]);
    expect((await upload(jfif, 'image/jpeg')).status).toBe(201);
    const list = await t.api<unknown[]>('GET', `/api/archive/retirees/${retireeId}/attachments`);
    expect(list.body).toHaveLength(2);
  });
});
