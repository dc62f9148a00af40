/**
 * The benchmark harness: each case starts what it measures on loopback, runs for a fixed time and
 * reports rows of (case, metric, value, unit, goal). `npm run bench` prints one table and writes the
 * same rows, with the machine they ran on, to a JSON file. Absolute figures on a shared 2-core
 * machine drift; cases that have a peer report the ratio against it, measured in the same run.
 */
import os from 'node:os';

export interface Goal {
  /** `<=`: the value must not exceed the target; `>=`: it must reach it. */
  op: '<=' | '>=';
  target: number;
}

export interface BenchRow {
  case: string;
  metric: string;
  value: number;
  unit: string;
  goal?: Goal;
  note?: string;
}

export interface BenchOptions {
  /** How long each measured step runs, in milliseconds. */
  durationMs: number;
  /** Extra settings per case, from `--name=value` arguments. */
  settings: Record<string, string>;
  log: (line: string) => void;
}

export interface BenchCase {
  name: string;
  title: string;
  run(options: BenchOptions): Promise<BenchRow[]>;
}

export interface LatencyStats {
  count: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  perSecond: number;
}

/** The q-quantile of sorted samples (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] as number;
}

export function stats(samples: number[], errors: number, elapsedMs: number): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    errors,
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
    perSecond: (sorted.length / elapsedMs) * 1000,
  };
}

/**
 * Calls `operation` from `concurrency` loops for `durationMs` after a short warm-up and times each
 * call. A call that throws counts as an error, never as a sample.
 */
export async function measure(
  operation: () => Promise<void>,
  options: { durationMs: number; concurrency: number; warmupMs?: number },
): Promise<LatencyStats> {
  const warmupEnd = performance.now() + (options.warmupMs ?? Math.min(1000, options.durationMs / 5));
  while (performance.now() < warmupEnd) await operation().catch(() => undefined);
  const samples: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + options.durationMs;
  const loop = async () => {
    while (performance.now() < end) {
      const before = performance.now();
      try {
        await operation();
        samples.push(performance.now() - before);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  return stats(samples, errors, performance.now() - start);
}

/** Whether a row meets its goal; null without one. A goal without a value (errors, nothing measured) is missed. */
export function passes(row: BenchRow): boolean | null {
  if (!row.goal) return null;
  if (!Number.isFinite(row.value)) return false;
  return row.goal.op === '<=' ? row.value <= row.goal.target : row.value >= row.goal.target;
}

export function machine(): Record<string, string | number> {
  const cpus = os.cpus();
  return {
    host: os.hostname(),
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** One plain-text table: case, metric, value, unit, goal, pass/fail. */
export function table(rows: readonly BenchRow[]): string {
  const lines = rows.map((row) => {
    const ok = passes(row);
    return [
      row.case,
      row.metric,
      formatValue(row.value),
      row.unit,
      row.goal ? `${row.goal.op} ${formatValue(row.goal.target)}` : '',
      ok === null ? '' : ok ? 'ok' : 'MISSED',
    ];
  });
  const header = ['case', 'metric', 'value', 'unit', 'goal', ''];
  const widths = header.map((title, index) =>
    Math.max(title.length, ...lines.map((line) => line[index]!.length)),
  );
  const render = (cells: string[]) =>
    cells
      .map((cell, index) => (index === 2 ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!)))
      .join('  ');
  return [render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(render)].join(
    '\n',
  );
}
