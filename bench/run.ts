/**
 * `npm run bench [-- <case>...] [--duration=<seconds>] [--out=<file>] [--<setting>=<value>]`
 * Runs the benchmark cases (all by default), prints one table and writes a JSON file with the rows
 * and the machine. Network traffic stays on loopback. Not part of `npm test`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { alertLatencyCase } from './cases/alert-latency.ts';
import { brokerIngestCase } from './cases/broker-ingest.ts';
import { connectionsCase } from './cases/connections.ts';
import { externalBrokerCase } from './cases/external-broker.ts';
import { influxIngestCase } from './cases/influx-ingest.ts';
import { recordsCase } from './cases/records.ts';
import { watchesCase } from './cases/watches.ts';
import { type BenchCase, type BenchRow, machine, passes, table } from './harness.ts';

const cases: BenchCase[] = [
  brokerIngestCase,
  influxIngestCase,
  alertLatencyCase,
  connectionsCase,
  watchesCase,
  recordsCase,
  externalBrokerCase,
];

const args = process.argv.slice(2);
const settings: Record<string, string> = {};
const chosen: string[] = [];
for (const arg of args) {
  const match = /^--([\w-]+)=(.*)$/.exec(arg);
  if (match) settings[match[1] as string] = match[2] as string;
  else if (arg.startsWith('--')) settings[arg.slice(2)] = 'true';
  else chosen.push(arg);
}
const unknown = chosen.filter((name) => !cases.some((c) => c.name === name));
if (unknown.length) {
  console.error(`unknown case ${unknown.join(', ')}; cases: ${cases.map((c) => c.name).join(', ')}`);
  process.exit(2);
}
const durationMs = Number(settings.duration ?? 5) * 1000;
if (!Number.isFinite(durationMs) || durationMs <= 0) {
  console.error('--duration takes seconds, e.g. --duration=10');
  process.exit(2);
}
const out = path.resolve(settings.out ?? '.tmp/bench/latest.json');

const rows: BenchRow[] = [];
const started = new Date();
for (const benchCase of cases.filter((c) => chosen.length === 0 || chosen.includes(c.name))) {
  console.log(`\n${benchCase.title}`);
  try {
    rows.push(...(await benchCase.run({ durationMs, settings, log: (line) => console.log(line) })));
  } catch (error) {
    console.error(`  ${benchCase.name} failed: ${error instanceof Error ? error.stack : String(error)}`);
    rows.push({ case: benchCase.name, metric: 'failed', value: Number.NaN, unit: '', note: String(error) });
  }
}
console.log(`\n${table(rows)}\n`);
const report = {
  startedAt: started.toISOString(),
  durationSeconds: durationMs / 1000,
  machine: machine(),
  rows,
};
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify(report, (_key, value) => (Number.isNaN(value) ? null : value), 2)}\n`);
console.log(`written to ${path.relative(process.cwd(), out)}`);
const missed = rows.filter((row) => passes(row) === false).length;
if (missed) console.log(`${missed} goal(s) missed`);
