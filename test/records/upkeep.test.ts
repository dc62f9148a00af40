/**
 * The records' upkeep (server/db/upkeep.ts): what a table needs by autovacuum's rules, and a run on
 * both engines that vacuums and analyzes a table whose rows changed, leaves it alone once done, and
 * reports the transaction-id age in the metrics. On PGlite the job runs on its interval; on a
 * PostgreSQL server autovacuum does (the test turns it off for its own table, so the counts are the
 * test's).
 */
import pino from 'pino';
import promClient from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FREEZE_AGE, RecordsUpkeep, type TableCounts, upkeepOf } from '../../server/db/upkeep.ts';
import { describeOnEngines } from '../helpers/engines.ts';
import { eventually } from '../helpers/hub.ts';

describe('what a table needs, by autovacuum’s rules', () => {
  const table: TableCounts = {
    table: 'alerts',
    live: 10_000,
    dead: 0,
    insertedSinceVacuum: 0,
    changedSinceAnalyze: 0,
    xidAge: 1_000,
  };

  it.each([
    ['nothing changed', {}, null],
    ['dead rows under a fifth of the live ones, plus 50', { dead: 2_050 }, null],
    ['dead rows past that', { dead: 2_051 }, 'vacuum'],
    ['inserted rows past a fifth plus 1,000', { insertedSinceVacuum: 3_001 }, 'vacuum'],
    ['an old unfrozen transaction id, whatever the counts', { xidAge: FREEZE_AGE }, 'vacuum'],
    ['changed rows past a tenth plus 50', { changedSinceAnalyze: 1_051 }, 'analyze'],
    ['changed rows under that', { changedSinceAnalyze: 1_050 }, null],
    ['a new table’s first rows', { live: 0, insertedSinceVacuum: 40, changedSinceAnalyze: 60 }, 'analyze'],
  ] as const)('%s', (_name, change, expected) => {
    expect(upkeepOf({ ...table, ...change })).toBe(expected);
  });
});

await describeOnEngines((db, engine) => {
  it('vacuums and analyzes a table whose rows changed, then leaves it alone', async () => {
    const registry = new promClient.Registry();
    const upkeep = new RecordsUpkeep(db, { intervalMs: 60_000 }, pino({ level: 'silent' }), registry);
    await db.exec(
      'create table upkeep_probe (id int primary key, v int) with (autovacuum_enabled = false);' +
        'insert into upkeep_probe select g, 0 from generate_series(1, 2000) g;',
    );
    for (let round = 0; round < 3; round += 1) await db.query('update upkeep_probe set v = v + 1');

    // PostgreSQL publishes a session's counts once it has been idle a second.
    const probe = async () => (await upkeep.counts()).find((counts) => counts.table === 'upkeep_probe');
    const before = await eventually(async () => {
      const counts = await probe();
      return counts && counts.dead > 1_000 ? counts : undefined;
    });
    expect(upkeepOf(before)).toBe('vacuum');

    const steps = await upkeep.run();
    expect(steps).toContainEqual(
      expect.objectContaining({ table: 'upkeep_probe', action: 'vacuum', ok: true }),
    );
    // Vacuumed: no dead rows left; analyzed: the planner has its statistics.
    await eventually(async () => (await probe())?.dead === 0);
    const [analyzed] = await db.query<{ columns: number }>(
      "select count(*)::int as columns from pg_stats where tablename = 'upkeep_probe'",
    );
    expect(analyzed?.columns).toBe(2);
    expect((await upkeep.run()).map((step) => step.table)).not.toContain('upkeep_probe');

    const age = await upkeep.readAge();
    expect(age).toBeGreaterThan(0);
    expect(age).toBeLessThan(FREEZE_AGE);
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/hub_records_upkeep_total\{action="vacuum",outcome="ok"\} [1-9]/);
    expect(metrics).toContain(`hub_records_xid_age ${age}`);
  });

  it(`runs on its interval on PGlite only (${engine.name})`, async () => {
    const upkeep = new RecordsUpkeep(
      db,
      { intervalMs: 50 },
      pino({ level: 'silent' }),
      new promClient.Registry(),
    );
    await db.query('create table upkeep_timed (id int primary key) with (autovacuum_enabled = false)');
    await db.query('insert into upkeep_timed select g from generate_series(1, 3000) g');
    upkeep.start();
    try {
      const vacuumed = async () => {
        const [row] = await db.query<{ at: string | null }>(
          "select last_vacuum as at from pg_stat_user_tables where relname = 'upkeep_timed'",
        );
        return row?.at ?? null;
      };
      if (engine.name === 'PGlite') {
        await eventually(async () => (await vacuumed()) !== null);
      } else {
        // PostgreSQL shows the counts after a second idle: twenty intervals by then, and no vacuum.
        await eventually(async () => ((await probeInserted(db)) ?? 0) >= 3000);
        await upkeep.stop();
        expect(await vacuumed()).toBeNull();
      }
    } finally {
      await upkeep.stop();
    }
  });
});

/** The rows inserted into `upkeep_timed` since its last vacuum, as PostgreSQL counts them. */
async function probeInserted(db: { query<T>(sql: string): Promise<T[]> }): Promise<number | undefined> {
  const [row] = await db.query<{ inserted: number }>(
    "select n_ins_since_vacuum::int as inserted from pg_stat_user_tables where relname = 'upkeep_timed'",
  );
  return row?.inserted;
}
