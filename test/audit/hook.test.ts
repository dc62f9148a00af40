import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRequest } from '../../server/audit/hook.ts';
import { AuditLog } from '../../server/audit/log.ts';
import { openDatabase } from '../../server/db/database.ts';
import type { AuditEntry, AuditPage, AuditVerifyResult } from '../../server/schemas/audit.ts';
import type { Retiree } from '../../server/schemas/index.ts';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

describe('the audit log records sign-ins, refusals and health-record access (PIPL, 6.11.2.2)', () => {
  let t: TestHub;
  let retiree: Retiree;
  let operator: { id: string; token: string };
  let familyToken: string;

  beforeAll(async () => {
    t = await startTestHub();
    retiree = await t.addRetiree({ name: '赵振华' });
    operator = await t.addStaff('operator.audit', 'operator');
    familyToken = await t.addFamily(retiree, 'zhao.family');
  });
  afterAll(async () => t?.stop());

  /** The newest entry matching `query` and `match`, waited for (entries are written after the answer). */
  async function entry(query: string, match: (item: AuditEntry) => boolean = () => true) {
    return eventually(async () => {
      const page = await t.api<AuditPage>('GET', `/api/audit?limit=500&${query}`);
      expect(page.status).toBe(200);
      return page.body.items.find(match);
    }, 15_000);
  }

  it('logs a sign-in with the account, and a failed one with the username tried', async () => {
    const login = await entry('action=login', (item) => item.actorName === 'admin');
    expect(login).toMatchObject({
      role: 'admin',
      targetType: 'session',
      targetId: '/api/auth/login',
      result: '2xx',
      ip: '127.0.0.1',
    });
    expect(login.actorId).toMatch(/^[0-9a-f-]{36}$/);

    const failed = await t.api(
      'POST',
      '/api/auth/login',
      { username: 'no.such.user', password: 'wrong-guess-1' },
      null,
    );
    expect(failed.status).toBe(401);
    const logged = await entry('action=login_failed', (item) => item.actorName === 'no.such.user');
    expect(logged).toMatchObject({ actorId: null, role: 'anonymous', result: '4xx', ip: '127.0.0.1' });
    expect(logged.detail).toMatchObject({ status: 401, method: 'POST' });
    // Why, in the answer's own words.
    expect(logged.detail.reason).toBe((failed.body as { error: string }).error);
    // The password tried is nowhere in the entry.
    expect(JSON.stringify(logged)).not.toContain('wrong-guess-1');
  });

  it('logs a sign-out', async () => {
    const caseworker = await t.addStaff('caseworker.leaving', 'caseworker');
    expect((await t.api('POST', '/api/auth/logout', undefined, caseworker.token)).status).toBe(204);
    const logout = await entry('action=logout', (item) => item.actorName === 'caseworker.leaving');
    expect(logout).toMatchObject({ actorId: caseworker.id, role: 'caseworker', result: '2xx' });
  });

  it('logs every refusal: no session, and a role without the right', async () => {
    expect((await t.api('GET', `/api/retirees/${retiree.id}`, undefined, null)).status).toBe(401);
    const anonymous = await entry('action=denied', (item) => item.targetId === `/api/retirees/${retiree.id}`);
    expect(anonymous).toMatchObject({
      actorId: null,
      role: 'anonymous',
      result: '4xx',
      retireeId: retiree.id,
    });

    const denied = await t.api('GET', '/api/audit', undefined, operator.token);
    expect(denied.status).toBe(403);
    const logged = await entry(
      `action=denied&actorId=${operator.id}`,
      (item) => item.targetId === '/api/audit',
    );
    expect(logged).toMatchObject({
      role: 'operator',
      targetType: 'route',
      result: '4xx',
      detail: { status: 403, error: 'forbidden' },
    });
    expect((await t.api('GET', '/api/audit/verify', undefined, operator.token)).status).toBe(403);
    // A family account reaching for staff routes is refused and logged as well.
    expect((await t.api('GET', '/api/alerts', undefined, familyToken)).status).toBe(403);
    await entry('action=denied&actorName=zhao.family', (item) => item.targetType === 'alert');
  });

  it('logs reads of one record with the retiree, and a list call as one entry', async () => {
    expect((await t.api('GET', `/api/retirees/${retiree.id}/rescue-card`)).status).toBe(200);
    const card = await entry(
      `retireeId=${retiree.id}&action=read`,
      (item) => item.targetType === 'rescue_card',
    );
    expect(card).toMatchObject({
      actorName: 'admin',
      role: 'admin',
      result: '2xx',
      targetId: `/api/retirees/${retiree.id}/rescue-card`,
    });

    expect((await t.api('GET', `/api/medical/records/${retiree.id}`)).status).toBe(200);
    await entry(`retireeId=${retiree.id}&action=read`, (item) => item.targetType === 'medical');

    expect((await t.api('GET', `/api/retirees/${retiree.id}/vitals`)).status).toBe(200);
    await entry(`retireeId=${retiree.id}&action=read`, (item) => item.targetType === 'vitals');

    const before = await t.api<AuditPage>('GET', '/api/audit?targetType=retiree&action=read');
    expect((await t.api('GET', '/api/retirees?limit=5')).status).toBe(200);
    const list = await entry(
      'targetType=retiree&action=read',
      (item) => item.targetId === '/api/retirees' && item.seq > (before.body.items[0]?.seq ?? 0),
    );
    expect(list.retireeId).toBeNull();
    expect(list.detail).toMatchObject({ query: { limit: expect.anything() } });
    const after = await eventually(async () => {
      const page = await t.api<AuditPage>('GET', '/api/audit?targetType=retiree&action=read');
      return page.body.total === before.body.total + 1 ? page : undefined;
    }, 15_000);
    expect(after.body.total).toBe(before.body.total + 1);
  });

  it('logs a change, an export and a refused change on health records', async () => {
    const changed = await t.api('PATCH', `/api/retirees/${retiree.id}`, { address: '成都市青羊区1号' });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const change = await entry(`retireeId=${retiree.id}&action=change`);
    expect(change).toMatchObject({
      targetType: 'retiree',
      result: '2xx',
      detail: { method: 'PATCH', status: 200 },
    });
    // The new address itself is not copied into the log.
    expect(JSON.stringify(change)).not.toContain('青羊区');

    expect((await t.api('GET', '/api/archive/retirees.xlsx?reason=年度核对')).status).toBe(200);
    await entry(
      'action=export',
      (item) => item.targetId === '/api/archive/retirees.xlsx' && item.targetType === 'archive',
    );

    const bad = await t.api('PATCH', `/api/retirees/${retiree.id}`, { hrLow: 'not a number' });
    expect(bad.status).toBe(400);
    await entry(`retireeId=${retiree.id}&action=change&result=4xx`);
  });

  it('logs a change whose caller hung up before the answer (a page left mid-request)', async () => {
    const startedAt = new Date().toISOString();
    const { port } = new URL(t.url);
    const body = JSON.stringify({ address: '成都市锦江区春熙路9号' });
    // The request goes out whole, and the socket is closed at once: the change is made, the
    // answer has nobody to go to, and the audit entry must be written all the same.
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.end(
          [
            `PATCH /api/retirees/${retiree.id} HTTP/1.1`,
            `Host: 127.0.0.1:${port}`,
            `Authorization: Bearer ${t.token}`,
            'Content-Type: application/json',
            `Content-Length: ${Buffer.byteLength(body)}`,
            '',
            body,
          ].join('\r\n'),
          () => {
            socket.destroy();
            resolve();
          },
        );
      });
      socket.on('error', reject);
    });
    await eventually(async () => {
      const after = await t.api<Retiree>('GET', `/api/retirees/${retiree.id}`);
      return after.body.address === '成都市锦江区春熙路9号';
    }, 15_000);
    const logged = await entry(
      `retireeId=${retiree.id}&action=change`,
      (item) => item.detail.method === 'PATCH' && item.actorName === 'admin' && item.at > startedAt,
    );
    expect(logged).toMatchObject({ targetType: 'retiree', ip: '127.0.0.1' });
  });

  it('writes an entry whatever the socket can still say about the caller', async () => {
    const request = {
      url: `/api/retirees/${retiree.id}`,
      method: 'PATCH',
      routeOptions: { url: '/api/retirees/:id' },
      params: { id: retiree.id },
      query: {},
      body: {},
      user: null,
      auditNote: null,
      auditAddress: null,
      ip: undefined,
    } as unknown as FastifyRequest;
    const described = await describeRequest(request, 200, {
      account: async () => null,
      familyRetiree: async () => null,
    });
    expect(described).toMatchObject({ ip: 'unknown', action: 'change', retireeId: retiree.id });
    const db = t.hub.db;
    const appended = await new AuditLog(db).append(described!);
    expect(appended).toMatchObject({ ip: 'unknown', targetId: `/api/retirees/${retiree.id}` });
  });

  it("logs the family page read with the relative's id", async () => {
    expect((await t.api('GET', '/api/family/status', undefined, familyToken)).status).toBe(200);
    const read = await entry('targetType=family_page&action=read');
    expect(read).toMatchObject({ actorName: 'zhao.family', role: 'family', retireeId: retiree.id });
  });

  it('answers admins only, pages, and checks its own chain', async () => {
    const page = await t.api<AuditPage>('GET', '/api/audit?limit=2&offset=1');
    expect(page.body.items).toHaveLength(2);
    expect(page.body.items[0]!.seq).toBeGreaterThan(page.body.items[1]!.seq);
    const bad = await t.api<{ error: string; message: string }>('GET', '/api/audit?limit=0&color=red');
    expect(bad.status).toBe(400);
  });
});

describe('npm run audit:verify', () => {
  it('reports an intact chain, then the seq of a changed row, and exits 1', async () => {
    const t = await startTestHub();
    let stopped = false;
    try {
      const retiree = await t.addRetiree({ name: '钱学忠' });
      for (let n = 0; n < 3; n += 1) await t.api('GET', `/api/retirees/${retiree.id}`);
      const verified = await eventually(async () => {
        const result = await t.api<AuditVerifyResult>('GET', '/api/audit/verify');
        return result.body.checked >= 5 ? result.body : undefined;
      });
      expect(verified.ok).toBe(true);
      await t.stop({ keepData: true });
      stopped = true;

      const env = { ...process.env, HUB_DATA_DIR: t.dataDir.path, HUB_DATABASE_URL: '' };
      const verify = () => run('npm', ['run', '--silent', 'audit:verify'], { env, cwd: root });
      const intact = await verify();
      expect(intact.stdout).toMatch(/rows checked, chain intact/);

      const db = await openDatabase({ dataDir: t.dataDir.path });
      const [row] = await db.query<{ seq: string }>(
        "select seq::text as seq from audit_log where action = 'read' order by audit_log.seq limit 1",
      );
      await db.query('alter table audit_log disable trigger audit_log_no_change');
      await db.query("update audit_log set ip = '10.9.9.9' where seq = $1", [row!.seq]);
      await db.close();

      const broken = await verify().then(
        () => ({ code: 0, stdout: '' }),
        (error: { code: number; stdout: string }) => error,
      );
      expect(broken.code).toBe(1);
      expect(broken.stdout).toContain(`BROKEN at seq ${row!.seq}`);
    } finally {
      if (stopped) await t.dataDir.remove();
      else await t.stop();
    }
  });
});
