/**
 * `npm run audit:verify`: walks the audit log's hash chain in the hub's records (HUB_DATABASE_URL,
 * else the PGlite folder under HUB_DATA_DIR, as the hub opens them), prints the rows checked and the
 * first broken link, and exits 1 when the chain is broken (2 when it cannot run).
 *
 * A PGlite folder belongs to one process at a time: stop the hub first, or ask a running hub with
 * `GET /api/audit/verify`. A PostgreSQL server can be checked while hubs run.
 */
import { commandConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { AuditLog } from './log.ts';

async function main(): Promise<number> {
  const config = commandConfig('verify');
  if (!config) return 2;
  const db = await openDatabase({
    ...(config.databaseUrl ? { url: config.databaseUrl } : {}),
    dataDir: config.dataDir,
  });
  try {
    const tables = await db.query("select 1 from pg_tables where tablename = 'audit_log'");
    if (tables.length === 0) {
      process.stderr.write(
        'Cannot verify: no audit_log table here (has the hub been started at least once?)\n',
      );
      return 2;
    }
    const result = await new AuditLog(db).verify();
    const where = config.databaseUrl ? 'PostgreSQL' : `${config.dataDir} (PGlite)`;
    if (result.ok) {
      process.stdout.write(`audit log of ${where}: ${result.checked} rows checked, chain intact\n`);
      return 0;
    }
    process.stdout.write(
      `audit log of ${where}: ${result.checked} rows checked, chain BROKEN at seq ${result.firstBad?.seq}: ${result.firstBad?.reason}\n`,
    );
    return 1;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `Cannot verify: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(2);
  },
);
