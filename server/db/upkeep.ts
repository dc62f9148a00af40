/**
 * The records' upkeep on PGlite. PGlite runs PostgreSQL in single-user mode, where no autovacuum
 * runs: without this job the rows that updates and deletes leave behind are never cleared, the
 * planner never gets statistics, and transaction ids are never frozen. In single-user mode
 * PostgreSQL does not stop taking writes as the 2³¹ transaction ids wrap around either, so a hub
 * writing a hundred transactions a second would reach that within a year.
 *
 * Every interval the job reads PostgreSQL's own counts per table (`pg_stat_user_tables`) and does
 * what autovacuum would: `VACUUM (ANALYZE)` a table whose dead or newly inserted rows pass its
 * threshold or whose oldest unfrozen transaction id is old, `ANALYZE` one whose rows changed enough
 * since its statistics. One table at a time, each in one statement: the hub's own statements wait
 * at most for one of them (after a first run, a table's pages that did not change are skipped).
 *
 * On a PostgreSQL server, autovacuum does this; only the transaction-id age is read there.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Database } from './database.ts';

/** Autovacuum's default thresholds: a base count plus a share of the table's live rows. */
const VACUUM_BASE = 50;
const VACUUM_SHARE = 0.2;
const INSERT_BASE = 1000;
const INSERT_SHARE = 0.2;
const ANALYZE_BASE = 50;
const ANALYZE_SHARE = 0.1;
/**
 * A table whose oldest unfrozen transaction id is this old is vacuumed whatever its counts
 * (autovacuum's `autovacuum_freeze_max_age` is 200 million; VACUUM freezes aggressively from
 * `vacuum_freeze_table_age`, 150 million).
 */
export const FREEZE_AGE = 150_000_000;

export interface TableCounts {
  table: string;
  live: number;
  dead: number;
  insertedSinceVacuum: number;
  changedSinceAnalyze: number;
  xidAge: number;
}

export type UpkeepAction = 'vacuum' | 'analyze';

/** What a table needs now, by autovacuum's rules; null when nothing. */
export function upkeepOf(counts: TableCounts): UpkeepAction | null {
  if (
    counts.xidAge >= FREEZE_AGE ||
    counts.dead > VACUUM_BASE + VACUUM_SHARE * counts.live ||
    counts.insertedSinceVacuum > INSERT_BASE + INSERT_SHARE * counts.live
  ) {
    return 'vacuum';
  }
  if (counts.changedSinceAnalyze > ANALYZE_BASE + ANALYZE_SHARE * counts.live) return 'analyze';
  return null;
}

export interface UpkeepLogger {
  info(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export interface UpkeepStep {
  table: string;
  action: UpkeepAction;
  ms: number;
  ok: boolean;
}

/** A table name as an SQL identifier. */
function identifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export class RecordsUpkeep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<UpkeepStep[]> | undefined;
  private readonly metrics: {
    steps: Counter<'action' | 'outcome'>;
    seconds: Counter<'action'>;
    xidAge: Gauge;
  };

  constructor(
    private readonly db: Database,
    private readonly settings: { intervalMs: number },
    private readonly log: UpkeepLogger,
    registry: Registry,
  ) {
    const registers = [registry];
    this.metrics = {
      steps: new Counter({
        name: 'hub_records_upkeep_total',
        help: 'Tables of the records vacuumed or analyzed by the hub (PGlite, which runs no autovacuum), by action and outcome',
        labelNames: ['action', 'outcome'],
        registers,
      }),
      seconds: new Counter({
        name: 'hub_records_upkeep_seconds_total',
        help: 'Time the records spent in upkeep (VACUUM, ANALYZE), by action',
        labelNames: ['action'],
        registers,
      }),
      // Read on the job's own turns, not at each scrape: a scrape never waits on the records.
      xidAge: new Gauge({
        name: 'hub_records_xid_age',
        help: 'Age in transactions of the records database’s oldest unfrozen transaction id, as of the upkeep’s last turn; PostgreSQL wraps around at 2^31',
        registers,
      }),
    };
  }

  /**
   * Reads the transaction-id age now and on the interval; on PGlite each turn also does the
   * upkeep (the first one interval after start).
   */
  start(): void {
    if (this.timer) return;
    this.readAge().catch(() => undefined);
    this.timer = setInterval(() => {
      this.turn().catch(() => undefined);
    }, this.settings.intervalMs);
    this.timer.unref();
  }

  private async turn(): Promise<void> {
    if (this.db.kind === 'pglite') await this.run();
    await this.readAge();
  }

  /** The records database's transaction-id age, into its gauge. */
  async readAge(): Promise<number | undefined> {
    const [row] = await this.db.query<{ age: number }>(
      'select age(datfrozenxid)::int as age from pg_database where datname = current_database()',
    );
    if (row) this.metrics.xidAge.set(row.age);
    return row?.age;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One run now; a run asked for while one is going answers with that one. */
  run(): Promise<UpkeepStep[]> {
    this.running ??= this.runOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** The tables of the records with PostgreSQL's counts of their rows. */
  async counts(): Promise<TableCounts[]> {
    return this.db.query<TableCounts>(
      `select s.relname as "table", s.n_live_tup::float8 as live, s.n_dead_tup::float8 as dead,
              s.n_ins_since_vacuum::float8 as "insertedSinceVacuum",
              s.n_mod_since_analyze::float8 as "changedSinceAnalyze", age(c.relfrozenxid)::float8 as "xidAge"
         from pg_stat_user_tables s join pg_class c on c.oid = s.relid
        where s.schemaname = current_schema()
        order by age(c.relfrozenxid) desc, s.n_dead_tup desc`,
    );
  }

  private async runOnce(): Promise<UpkeepStep[]> {
    const steps: UpkeepStep[] = [];
    for (const counts of await this.counts()) {
      const action = upkeepOf(counts);
      if (!action) continue;
      const sql =
        action === 'vacuum'
          ? `vacuum (analyze) ${identifier(counts.table)}`
          : `analyze ${identifier(counts.table)}`;
      const started = performance.now();
      let ok = true;
      try {
        await this.db.query(sql);
      } catch (error) {
        ok = false;
        this.log.error({ err: error, table: counts.table, action }, 'records upkeep failed');
      }
      const ms = performance.now() - started;
      this.metrics.steps.inc({ action, outcome: ok ? 'ok' : 'failed' });
      this.metrics.seconds.inc({ action }, ms / 1000);
      steps.push({ table: counts.table, action, ms: Math.round(ms), ok });
      // The hub's own statements go between two tables.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (steps.length > 0) this.log.info({ steps }, 'records upkeep');
    return steps;
  }
}
