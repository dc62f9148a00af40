/**
 * Failed staff sign-ins read from the audit log: nothing (and no error) while the table is absent,
 * then a burst of `login_failed` rows raises one security alert candidate. Real PGlite, migrated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../devices/bus.ts';
import type { AlertCandidate } from '../../devices/contract.ts';
import { loadConfig } from '../../server/config.ts';
import type { Database } from '../../server/db/database.ts';
import { openDatabase } from '../../server/db/database.ts';
import { migrate } from '../../server/db/migrate.ts';
import { AuditLoginFailures } from '../../server/security/audit-logins.ts';
import { SecurityMonitor } from '../../server/security/monitor.ts';
import { makeTempDir, type TempDir } from '../helpers/tmp.ts';

describe('failed sign-ins from the audit log', () => {
  let dir: TempDir;
  let db: Database;

  beforeAll(async () => {
    dir = await makeTempDir('junxiu-login-failures-');
    db = await openDatabase({ dataDir: dir.path });
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
    await dir?.remove();
  });

  let seq = 1000;
  const fail = (username: string, at: Date) =>
    db.query(
      `insert into audit_log (seq, at, actor_id, actor_name, role, action, target_type, target_id, retiree_id,
         ip, result, detail, prev_hash, hash)
       values ($1, $2, null, $3, '', 'login_failed', 'session', '', null, '203.0.113.9', 'refused',
         '{"reason":"wrong_password"}'::jsonb, '', '')`,
      [++seq, at, username],
    );

  /** A monitor reading `source` (five failures within a minute are a burst), and what it raised. */
  function watching(source: AuditLoginFailures) {
    const bus = new EventBus();
    const candidates: AlertCandidate[] = [];
    bus.on('alert.candidate', 'test', (candidate) => {
      candidates.push(candidate);
    });
    const monitor = new SecurityMonitor({
      bus,
      settings: { ...loadConfig({}).security, loginFailures: { threshold: 5, windowMs: 60_000 } },
      logins: source,
      onError: (error) => {
        throw error;
      },
    });
    return { monitor, candidates };
  }

  it('a burst of failed sign-ins raises one security alert candidate', async () => {
    const source = new AuditLoginFailures(db);
    // The audit log comes with its own migration; where it is not there yet, the source reads nothing.
    await db.query('drop table if exists audit_log cascade');
    expect(await source.available()).toBe(false);
    expect(await source.recent(10)).toEqual([]);

    const { monitor, candidates } = watching(source);
    await monitor.startLogins();
    await monitor.poll();
    expect(candidates).toEqual([]);

    // The table as migration 017 lays it out (only the columns read here matter).
    await db.query(`create table audit_log (
      seq bigint primary key, at timestamptz not null, actor_id uuid, actor_name text not null,
      role text not null, action text not null, target_type text not null, target_id text not null,
      retiree_id uuid, ip text not null, result text not null, detail jsonb not null default '{}',
      prev_hash text not null, hash text not null)`);
    const now = Date.now();
    for (let i = 0; i < 8; i += 1) await fail(i % 2 ? 'admin' : 'zhangsan', new Date(now + i * 1000));
    await monitor.poll();
    expect(candidates).toHaveLength(1);
    expect(candidates[0]).toMatchObject({
      deviceId: '_hub',
      kind: 'security',
      severity: 'high',
      detail: { event: 'login_failures', count: 5, threshold: 5, addresses: ['203.0.113.9'] },
    });
    expect((candidates[0]!.detail.subjects as string[]).sort()).toEqual(['admin', 'zhangsan']);
    // Read once: polling again raises nothing new.
    await monitor.poll();
    expect(candidates).toHaveLength(1);

    const recent = await source.recent(3);
    expect(recent).toHaveLength(3);
    expect(recent[0]).toMatchObject({ username: 'admin', ip: '203.0.113.9', reason: 'wrong_password' });
    await monitor.stop();
  });

  it('reads the newest first by number past seq 9, and leaves out TOTP challenges to a right password', async () => {
    await db.query('delete from audit_log');
    const source = new AuditLoginFailures(db);
    const at = new Date();
    const row = (n: number, name: string, detail: string) =>
      db.query(
        `insert into audit_log (seq, at, actor_id, actor_name, role, action, target_type, target_id, retiree_id,
           ip, result, detail, prev_hash, hash)
         values ($1, $2, null, $3, '', 'login_failed', 'session', '', null, '203.0.113.9', 'refused', $4::jsonb, '', '')`,
        [n, at, name, detail],
      );
    for (let n = 8; n <= 11; n += 1) await row(n, `guess${n}`, '{"reason":"wrong_password"}');
    await row(12, 'admin', '{"reason":"totp_required","challenge":true}');
    expect((await source.recent(10)).map((entry) => entry.username)).toStrictEqual([
      'guess11',
      'guess10',
      'guess9',
      'guess8',
    ]);
    const { signals, lastSeq } = await source.since(7, 10);
    expect(signals.map((signal) => signal.subject)).toStrictEqual(['guess8', 'guess9', 'guess10', 'guess11']);
    expect(lastSeq).toBe(11);
  });
  it('starts reading with the failures of the window just past, when it starts or takes over', async () => {
    await db.query('delete from audit_log');
    const now = Date.now();
    // An old failure, outside the window, and a burst under way that another instance began reading.
    await fail('old', new Date(now - 10 * 60_000));
    for (let i = 0; i < 4; i += 1) await fail('lisi', new Date(now - 30_000 + i * 1000));
    const { monitor, candidates } = watching(new AuditLoginFailures(db));
    await monitor.startLogins(now);
    await monitor.poll();
    expect(candidates).toEqual([]);
    // The fifth failure of the burst completes it: the four before the start count.
    await fail('lisi', new Date(now + 1000));
    await monitor.poll();
    expect(candidates).toHaveLength(1);
    expect(candidates[0]?.detail).toMatchObject({ event: 'login_failures', count: 5, subjects: ['lisi'] });
    await monitor.stop();
  });
});
