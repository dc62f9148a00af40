/**
 * Two audit writers on one PostgreSQL server, each with its own connections, as two hub processes
 * would have (and as `npm run audit:verify` beside a hub has): appending at once, they keep one
 * chain, since each append takes the transaction-scoped advisory lock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../server/audit/log.ts';
import { type Database, openDatabase } from '../../server/db/database.ts';
import { migrate } from '../../server/db/migrate.ts';
import { type PostgresServer, startPostgres } from '../helpers/postgres.ts';

const postgres: PostgresServer | null = await startPostgres();
afterAll(async () => postgres?.stop());

describe.skipIf(postgres === null)('two audit writers on one PostgreSQL server', () => {
  let first: Database;
  let second: Database;

  beforeAll(async () => {
    const url = await (postgres as PostgresServer).createDatabase();
    first = await openDatabase({ url, dataDir: '/nonexistent' });
    await migrate(first);
    second = await openDatabase({ url, dataDir: '/nonexistent' });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('keep the chain whole under concurrent appends from both', async () => {
    const logs = [new AuditLog(first), new AuditLog(second)];
    const appends: Promise<unknown>[] = [];
    for (let n = 0; n < 40; n += 1) {
      for (const [index, log] of logs.entries()) {
        appends.push(
          log.append({
            actorId: null,
            actorName: `writer-${index}`,
            role: 'admin',
            action: 'read',
            targetType: 'retiree',
            targetId: `r-${n}`,
            retireeId: null,
            ip: '127.0.0.1',
            result: 'ok',
          }),
        );
      }
    }
    await Promise.all(appends);
    const result = await new AuditLog(second).verify();
    expect(result.ok).toBe(true);
    expect(result.checked).toBe(80);
    expect(result.firstBad).toBeUndefined();
    const writers = await first.query<{ actor_name: string; n: number }>(
      'select actor_name, count(*)::int as n from audit_log group by actor_name order by actor_name',
    );
    expect(writers).toEqual([
      { actor_name: 'writer-0', n: 40 },
      { actor_name: 'writer-1', n: 40 },
    ]);
  });
});
