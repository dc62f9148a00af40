/**
 * Two hubs starting at once on one PostgreSQL server: each migration is applied exactly once, by
 * whichever gets the lock first, and both start on the full schema.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.ts';
import { migrate } from '../../server/db/migrate.ts';
import { type PostgresServer, startPostgres } from '../helpers/postgres.ts';

const postgres: PostgresServer | null = await startPostgres();
if (process.env.CI === 'true' && postgres === null) throw new Error('CI=true needs a PostgreSQL server');

describe.skipIf(postgres === null)('migrations on a shared PostgreSQL server', () => {
  let files: string[];

  beforeAll(async () => {
    const folder = path.resolve(import.meta.dirname, '../../server/db/migrations');
    files = (await fs.readdir(folder)).filter((name) => name.endsWith('.sql')).sort();
  });

  afterAll(async () => {
    await postgres?.stop();
  });

  it('applies each file once when two hubs migrate at the same time', async () => {
    const url = await (postgres as PostgresServer).createDatabase();
    const first = await openDatabase({ url, dataDir: '/nonexistent' });
    const second = await openDatabase({ url, dataDir: '/nonexistent' });
    try {
      const [a, b] = await Promise.all([migrate(first), migrate(second)]);
      expect([...a, ...b].sort()).toStrictEqual(files);
      const rows = await first.query<{ version: string }>(
        'select version from schema_migrations order by version',
      );
      expect(rows.map((row) => row.version)).toStrictEqual(files);
      expect(await migrate(second)).toStrictEqual([]);
    } finally {
      await first.close();
      await second.close();
    }
  }, 120_000);
});
