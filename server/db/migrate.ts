/**
 * Applies the SQL files in ./migrations in name order, each once, each in its own transaction.
 * A transaction-scoped advisory lock keeps two hub instances from applying the same file twice.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

const folder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_KEY = 2839_2021;

export async function migrate(db: Database): Promise<string[]> {
  // Two servers creating the table at once collide inside PostgreSQL even with `if not exists`.
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.query(`create table if not exists schema_migrations (
      version text primary key,
      applied_at timestamptz not null default now()
    )`);
  });
  const files = (await fs.readdir(folder)).filter((name) => name.endsWith('.sql')).sort();
  const applied: string[] = [];
  for (const file of files) {
    const sql = await fs.readFile(path.join(folder, file), 'utf8');
    const ran = await db.transaction(async (tx) => {
      // The lock is the transaction's own, so it is taken and released on the same connection of a
      // pool; a second hub waits here, then finds the migration applied and skips it.
      await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const [done] = await tx.query('select 1 from schema_migrations where version = $1', [file]);
      if (done) return false;
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query('insert into schema_migrations (version) values ($1)', [file]);
      return true;
    });
    if (ran) applied.push(file);
  }
  return applied;
}

/** Our migrations keep to plain statements separated by `;` at line ends (no function bodies). */
function splitStatements(sql: string): string[] {
  return sql
    .replace(/--.*$/gm, '')
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}
