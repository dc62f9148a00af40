/**
 * Applies the SQL files in ./migrations in name order, each once, each in its own transaction.
 * A PostgreSQL advisory lock keeps two hub instances from migrating at the same time.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

const folder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_KEY = 2839_2021;

export async function migrate(db: Database): Promise<string[]> {
  await db.exec(`create table if not exists schema_migrations (
    version text primary key,
    applied_at timestamptz not null default now()
  )`);
  const files = (await fs.readdir(folder)).filter((name) => name.endsWith('.sql')).sort();
  const applied: string[] = [];
  await db.query('select pg_advisory_lock($1)', [LOCK_KEY]);
  try {
    const done = new Set(
      (await db.query<{ version: string }>('select version from schema_migrations')).map(
        (row) => row.version,
      ),
    );
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = await fs.readFile(path.join(folder, file), 'utf8');
      await db.transaction(async (tx) => {
        for (const statement of splitStatements(sql)) await tx.query(statement);
        await tx.query('insert into schema_migrations (version) values ($1)', [file]);
      });
      applied.push(file);
    }
  } finally {
    await db.query('select pg_advisory_unlock($1)', [LOCK_KEY]);
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
