import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConsentService } from '../../server/consent/service.ts';
import { openDatabase } from '../../server/db/database.ts';
import { migrate } from '../../server/db/migrate.ts';
import { FamilyStore } from '../../server/family/store.ts';
import { makeTempDir, type TempDir } from '../helpers/tmp.ts';

const migrations = path.resolve(import.meta.dirname, '../../server/db/migrations');
const dirs: TempDir[] = [];
afterAll(async () => {
  for (const dir of dirs) await dir.remove();
});

/** Statements of one migration file, cut as server/db/migrate.ts cuts them. */
function statements(sql: string): string[] {
  return sql
    .replace(/--.*$/gm, '')
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

describe('families that existed before consents were kept', () => {
  it('are recorded as given, grandfathered, and keep their family page', async () => {
    const dir = await makeTempDir('junxiu-consent-');
    dirs.push(dir);
    const db = await openDatabase({ dataDir: dir.path });
    try {
      // The hub as it was before migration 017…
      await db.exec(
        'create table schema_migrations (version text primary key, applied_at timestamptz not null default now())',
      );
      const files = (await fs.readdir(migrations)).filter((name) => name.endsWith('.sql')).sort();
      const before = files.filter((name) => name < '017');
      for (const file of before) {
        await db.transaction(async (tx) => {
          for (const statement of statements(await fs.readFile(path.join(migrations, file), 'utf8'))) {
            await tx.query(statement);
          }
          await tx.query('insert into schema_migrations (version) values ($1)', [file]);
        });
      }
      // …with a retiree and a family account of theirs.
      const retireeId = randomUUID();
      const userId = randomUUID();
      await db.query(
        "insert into retirees (id, name, gender, birth_date) values ($1, '吴德明', 'male', '1936-02-01')",
        [retireeId],
      );
      await db.query(
        "insert into users (id, username, display_name, role, password_hash) values ($1, 'wu.family', '吴小丽', 'family', 'x')",
        [userId],
      );
      await db.query('insert into family_links (user_id, retiree_id) values ($1, $2)', [userId, retireeId]);

      // Then the rest, 017 among them.
      const applied = await migrate(db);
      expect(applied).toContain('017_audit_consent.sql');

      const overview = await new ConsentService(db).overview(retireeId);
      expect(overview.history).toHaveLength(2);
      expect(overview.history.every((entry) => entry.grandfathered && entry.state === 'given')).toBe(true);
      expect(overview.history.every((entry) => entry.version === 1 && entry.recordedByName === '系统')).toBe(
        true,
      );
      expect(overview.history.every((entry) => entry.basis.includes('迁移时记录'))).toBe(true);
      expect(overview.current).toMatchObject([
        { kind: 'health_processing', state: 'given', recorded: true, grandfathered: true },
        {
          kind: 'family_sharing',
          familyUserId: userId,
          familyName: '吴小丽',
          state: 'given',
          recorded: true,
          grandfathered: true,
        },
      ]);
      expect(await new FamilyStore(db).retireeOf(userId)).toMatchObject({ retireeId });
    } finally {
      await db.close();
    }
  });
});
