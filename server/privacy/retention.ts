/**
 * Retention (PIPL art. 19, 47: kept no longer than needed): on a schedule, telemetry older than
 * `HUB_RETENTION_TELEMETRY_DAYS` and closed records older than `HUB_RETENTION_CLOSED_RECORDS_DAYS`
 * (resolved or cancelled alerts with their steps and deliveries, finished service requests) are
 * deleted. Each run is logged, counted in /metrics and kept as a receipt. Either limit may be off.
 */
import { randomUUID } from 'node:crypto';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RetentionReport } from '../schemas/privacy.ts';
import { readCatalog } from './catalog.ts';
import type { PrivacyPorts } from './ports.ts';
import { eraseRows, planRows, type Seed, type TableCount } from './rows.ts';

export interface RetentionSettings {
  /** Days telemetry is kept; null keeps it for good. */
  telemetryDays: number | null;
  /** Days a closed record is kept after it closed; null keeps them for good. */
  closedRecordsDays: number | null;
  /** Time between runs. */
  intervalMs: number;
}

/**
 * What a closed record is, per table: when it counts as closed and the moment it closed. Only
 * tables that exist are used; rows depending on them (alert steps, deliveries) go with them.
 */
export const CLOSED_RECORDS: readonly { table: string; closed: string; closedAt: string }[] = [
  {
    table: 'alerts',
    closed: `status in ('resolved', 'cancelled')`,
    closedAt: 'coalesce(resolved_at, cancelled_at, last_at)',
  },
  {
    table: 'service_requests',
    closed: `status in ('done', 'cancelled')`,
    closedAt: 'coalesce(done_at, assigned_at, requested_at)',
  },
];

const DAY_MS = 86_400_000;

export interface RetentionLogger {
  info(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RetentionReport> | undefined;
  private readonly metrics: { runs: Counter<'result'>; removed: Counter<'store'>; lastRun: Gauge };

  constructor(
    private readonly ports: Pick<PrivacyPorts, 'db' | 'telemetry' | 'now'>,
    private readonly settings: RetentionSettings,
    private readonly log: RetentionLogger,
    registry: Registry,
  ) {
    const registers = [registry];
    this.metrics = {
      runs: new Counter({
        name: 'hub_retention_runs_total',
        help: 'Retention runs, by result',
        labelNames: ['result'],
        registers,
      }),
      removed: new Counter({
        name: 'hub_retention_removed_total',
        help: 'Telemetry values and record rows deleted by retention',
        labelNames: ['store'],
        registers,
      }),
      lastRun: new Gauge({
        name: 'hub_retention_last_run_timestamp_seconds',
        help: 'When retention last ran to the end',
        registers,
      }),
    };
  }

  /** Runs on the interval (the first run one interval after start); nothing when both limits are off. */
  start(): void {
    if (this.timer) return;
    if (this.settings.telemetryDays === null && this.settings.closedRecordsDays === null) return;
    this.timer = setInterval(() => {
      this.run().catch(() => undefined);
    }, this.settings.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One run now; a run asked for while one is going answers with that one. */
  run(): Promise<RetentionReport> {
    this.running ??= this.runOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runOnce(): Promise<RetentionReport> {
    const at = this.ports.now();
    const { telemetryDays, closedRecordsDays } = this.settings;
    const report: RetentionReport = {
      id: randomUUID(),
      at: at.toISOString(),
      telemetry: { days: telemetryDays, before: null, removed: 0, store: this.ports.telemetry.kind },
      closedRecords: { days: closedRecordsDays, before: null, removed: 0, tables: {} },
    };
    try {
      if (telemetryDays !== null) {
        const before = new Date(at.getTime() - telemetryDays * DAY_MS);
        report.telemetry.before = before.toISOString();
        report.telemetry.removed = await this.ports.telemetry.deleteBefore(before.getTime());
      }
      if (closedRecordsDays !== null) {
        const before = new Date(at.getTime() - closedRecordsDays * DAY_MS);
        report.closedRecords.before = before.toISOString();
        report.closedRecords.tables = await this.deleteClosed(before);
        report.closedRecords.removed = Object.values(report.closedRecords.tables).reduce(
          (sum, count) => sum + count.deleted,
          0,
        );
      }
      // A run that removed nothing leaves its log line and metrics, not a receipt.
      if (report.telemetry.removed + report.closedRecords.removed > 0)
        await this.ports.db.query(
          `insert into privacy_receipts (id, kind, retiree_id, at, by_id, by_name, detail)
         values ($1, 'retention', null, $2, null, $3, $4)`,
          [report.id, at, '保存期限任务', JSON.stringify(report)],
        );
    } catch (error) {
      this.metrics.runs.inc({ result: 'failed' });
      this.log.error({ err: error }, 'retention run failed');
      throw error;
    }
    this.metrics.runs.inc({ result: 'ok' });
    this.metrics.removed.inc({ store: 'telemetry' }, report.telemetry.removed);
    this.metrics.removed.inc({ store: 'records' }, report.closedRecords.removed);
    this.metrics.lastRun.set(at.getTime() / 1000);
    this.log.info(
      {
        telemetryRemoved: report.telemetry.removed,
        telemetryBefore: report.telemetry.before,
        recordsRemoved: report.closedRecords.removed,
        recordsBefore: report.closedRecords.before,
        tables: report.closedRecords.tables,
      },
      'retention run',
    );
    return report;
  }

  private async deleteClosed(before: Date): Promise<Record<string, TableCount>> {
    const catalog = await readCatalog(this.ports.db);
    const seeds: Seed[] = CLOSED_RECORDS.filter(({ table }) => catalog.tables.has(table)).map(
      ({ table, closed, closedAt }) => ({
        table,
        // Column names of the definitions are qualified by the alias through a subselect-free form.
        condition: (a) => `${a}.ctid in (select ctid from ${table} where ${closed} and ${closedAt} < $1)`,
      }),
    );
    if (seeds.length === 0) return {};
    const plan = planRows(catalog, seeds);
    return this.ports.db.transaction((tx) => eraseRows(tx, plan, [before]));
  }
}
