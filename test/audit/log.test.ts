import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, GENESIS_HASH, rowHash } from '../../server/audit/chain.ts';
import { type AuditEntryInput, AuditLog } from '../../server/audit/log.ts';
import type { Database } from '../../server/db/database.ts';
import { type Engine, recordEngines } from '../helpers/engines.ts';

const setup = await recordEngines();
afterAll(() => setup.stop());

const RETIREE = '6f1c2a9e-1111-4a4a-9b9b-0123456789ab';
const T0 = Date.parse('2026-03-01T08:00:00.000Z');

function entry(n: number, over: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    at: new Date(T0 + n * 1000),
    actorId: '0b8f9d6e-2222-4c4c-8d8d-abcdefabcdef',
    actorName: 'caseworker.li',
    role: 'caseworker',
    action: 'read',
    targetType: 'medical',
    targetId: `/api/medical/records/${n}`,
    retireeId: RETIREE,
    ip: '127.0.0.1',
    result: '2xx',
    detail: { method: 'GET', status: 200, n },
    ...over,
  };
}

/** Changes a row the way someone with the database owner's rights could: past the triggers. */
async function tamper(db: Database, sql: string, params: unknown[]): Promise<void> {
  await db.query('alter table audit_log disable trigger audit_log_no_change');
  try {
    await db.query(sql, params);
  } finally {
    await db.query('alter table audit_log enable trigger audit_log_no_change');
  }
}

describe.each(setup.engines)('the audit log on $name', (engine: Engine) => {
  let db: Database;
  let close: () => Promise<void>;
  let log: AuditLog;

  beforeAll(async () => {
    if (engine.skip) return;
    ({ db, close } = await engine.open());
    log = new AuditLog(db, () => new Date(T0));
  });
  afterAll(async () => close?.());

  it.skipIf(engine.skip)('chains each entry to the one before, from the genesis value', async () => {
    const first = await log.append(entry(1));
    const second = await log.append(
      entry(2, { action: 'change', detail: { b: 1, a: [1, { z: 2, y: 'x' }] } }),
    );
    expect(first.seq).toBe(1);
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(second.seq).toBe(2);
    expect(second.prevHash).toBe(first.hash);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    // The hash is over the stored fields: recomputed from what was read back, it matches.
    expect(rowHash({ ...second, at: new Date(second.at) })).toBe(second.hash);
    expect(await log.verify()).toStrictEqual({ ok: true, checked: 2 });
  });

  it.skipIf(engine.skip)('keeps awkward text exactly, so hard input never breaks the chain', async () => {
    const awkward = await log.append(
      entry(3, {
        actorName: 'nul\u0000 and lone \ud800 surrogate',
        targetId: '/api/retirees?name=王%00',
        detail: {
          query: { name: '王\u0000', deep: { a: { b: { c: { d: 'too deep' } } } } },
          n: 1e21,
          neg: -0,
        },
      }),
    );
    expect(awkward.actorName).toBe('nul\uFFFD and lone \uFFFD surrogate');
    expect(await log.verify()).toMatchObject({ ok: true, checked: 3 });
  });

  it.skipIf(engine.skip)('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    await expect(db.query("update audit_log set actor_name = 'x' where seq = 1")).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query('delete from audit_log where seq = 1')).rejects.toThrow(/append-only/);
    await expect(db.query('truncate audit_log')).rejects.toThrow(/append-only/);
    expect(await log.verify()).toMatchObject({ ok: true, checked: 3 });
  });

  it.skipIf(engine.skip)('keeps one chain under concurrent appends from two writers', async () => {
    const other = new AuditLog(db);
    const writes: Promise<unknown>[] = [];
    for (let n = 0; n < 40; n += 1) {
      writes.push(log.append(entry(100 + n)));
      writes.push(other.append(entry(200 + n, { actorName: 'operator.wang', role: 'operator' })));
    }
    await Promise.all(writes);
    const result = await log.verify();
    expect(result).toStrictEqual({ ok: true, checked: 83 });
    const seqs = await db.query<{ seq: string }>(
      'select seq::text as seq from audit_log order by audit_log.seq',
    );
    expect(seqs.map((row) => Number(row.seq))).toStrictEqual(Array.from({ length: 83 }, (_, i) => i + 1));
    const links = await db.query<{ n: number }>('select count(distinct prev_hash)::int as n from audit_log');
    expect(links[0]?.n).toBe(83);
  });

  it.skipIf(engine.skip)('lists entries newest first, filtered and paged', async () => {
    const byOperator = await log.recent({ actorName: 'OPERATOR', limit: 5 });
    expect(byOperator.total).toBe(40);
    expect(byOperator.items).toHaveLength(5);
    expect(byOperator.items.every((item) => item.actorName === 'operator.wang')).toBe(true);
    expect(byOperator.items[0]!.seq).toBeGreaterThan(byOperator.items[4]!.seq);
    const changes = await log.recent({ action: 'change' });
    expect(changes.items.map((item) => item.seq)).toStrictEqual([2]);
    expect(changes.items[0]?.detail).toStrictEqual({ b: 1, a: [1, { z: 2, y: 'x' }] });
    const retiree = await log.recent({ retireeId: RETIREE.toUpperCase(), limit: 500 });
    expect(retiree.total).toBe(83);
    expect((await log.recent({ retireeId: 'not-a-uuid' })).total).toBe(0);
    const window = await log.recent({
      from: new Date(T0 + 100_000).toISOString(),
      to: new Date(T0 + 110_000).toISOString(),
    });
    expect(window.total).toBe(10);
    const second = await log.recent({ limit: 2, offset: 1 });
    expect(second.items.map((item) => item.seq)).toStrictEqual([82, 81]);
  });

  it.skipIf(engine.skip)('writes the entries queued beside one the database refuses', async () => {
    const results = await Promise.allSettled([
      log.append(entry(300)),
      log.append(entry(301, { action: 'bogus' as 'read' })),
      log.append(entry(302)),
    ]);
    expect(results.map((result) => result.status)).toStrictEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await log.verify()).toStrictEqual({ ok: true, checked: 85 });
  });

  it.skipIf(engine.skip)('finds a changed row by its seq, even with its hash recomputed', async () => {
    await tamper(db, "update audit_log set actor_name = 'someone.else' where seq = 40", []);
    expect(await log.verify()).toMatchObject({ ok: false, checked: 85, firstBad: { seq: 40 } });
    expect((await log.verify()).firstBad?.reason).toMatch(/hash does not match/);

    // A careful forger recomputes the row's own hash: the next row's link gives it away.
    const [row] = await db.query<Record<string, unknown>>(
      'select seq::text as seq, at, actor_id, actor_name, role, action, target_type, target_id, retiree_id, ip, result, detail, prev_hash from audit_log where seq = 40',
    );
    const forged = rowHash({
      seq: 40,
      at: row!.at as Date,
      actorId: row!.actor_id as string,
      actorName: 'someone.else',
      role: row!.role as string,
      action: row!.action as 'read',
      targetType: row!.target_type as string,
      targetId: row!.target_id as string,
      retireeId: row!.retiree_id as string,
      ip: row!.ip as string,
      result: row!.result as string,
      detail: row!.detail as Record<string, unknown>,
      prevHash: row!.prev_hash as string,
    });
    await tamper(db, 'update audit_log set hash = $1 where seq = 40', [forged]);
    const result = await log.verify();
    expect(result).toMatchObject({ ok: false, firstBad: { seq: 41 } });
    expect(result.firstBad?.reason).toMatch(/prev_hash/);
  });

  it.skipIf(engine.skip)('finds a deleted row at the seq after the gap', async () => {
    await tamper(db, 'delete from audit_log where seq = 20', []);
    const result = await log.verify();
    expect(result).toMatchObject({ ok: false, checked: 84, firstBad: { seq: 21 } });
    expect(result.firstBad?.reason).toMatch(/missing/);
  });

  it('writes detail keys in one order, whatever order they came in', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });
});
