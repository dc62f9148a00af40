/**
 * Retention over a fixed clock, on the real record engines and the embedded telemetry store:
 * telemetry older than its limit goes, closed records (resolved or cancelled alerts with their steps,
 * finished service requests) older than theirs go, and nothing else; each run leaves a receipt and
 * counts in /metrics. Through a real hub, the run on demand is for admins only.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import promClient from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../gateway/ingest/embedded.ts';
import type { Database } from '../../server/db/database.ts';
import { RetentionJob } from '../../server/privacy/retention.ts';
import type { RetentionReport } from '../../server/schemas/privacy.ts';
import { type Engine, recordEngines } from '../helpers/engines.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { makeTempDir, type TempDir } from '../helpers/tmp.ts';

const setup = await recordEngines();
afterAll(() => setup.stop());

const DAY = 86_400_000;
const NOW = new Date('2026-06-15T04:00:00.000Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

describe.each(setup.engines)('retention on $name', (engine: Engine) => {
  let db: Database;
  let close: () => Promise<void>;
  let dir: TempDir;
  let telemetry: EmbeddedStore;
  const registry = new promClient.Registry();
  const retiree = randomUUID();
  const alerts = {
    oldResolved: randomUUID(),
    oldCancelled: randomUUID(),
    recentResolved: randomUUID(),
    oldOpen: randomUUID(),
  };
  const requests = { oldDone: randomUUID(), oldRequested: randomUUID(), recentDone: randomUUID() };

  beforeAll(async () => {
    if (engine.skip) return;
    ({ db, close } = await engine.open());
    dir = await makeTempDir('junxiu-retention-');
    telemetry = new EmbeddedStore({ dataDir: dir.path });
    await telemetry.start();
    await db.query(
      `insert into retirees (id, name, gender, birth_date) values ($1, '保存期限', 'male', '1940-01-01')`,
      [retiree],
    );
    await db.query(
      `insert into devices (id, type, secret_hash, retiree_id) values ('ret-watch', 'wearable.watch', 'x', $1)`,
      [retiree],
    );
    const alert = async (
      id: string,
      status: string,
      openedDaysAgo: number,
      closedDaysAgo: number | null,
      kind: string,
    ) => {
      const closed = closedDaysAgo === null ? null : daysAgo(closedDaysAgo);
      await db.query(
        `insert into alerts (id, retiree_id, device_id, kind, severity, status, subject, opened_at, last_at, resolved_at, cancelled_at)
         values ($1, $2, 'ret-watch', $3, 'high', $4, $5, $6, $6, $7, $8)`,
        [
          id,
          retiree,
          kind,
          status,
          `${retiree}-${kind}`,
          daysAgo(openedDaysAgo),
          status === 'resolved' ? closed : null,
          status === 'cancelled' ? closed : null,
        ],
      );
      await db.query(`insert into alert_steps (alert_id, at, action) values ($1, $2, 'opened')`, [
        id,
        daysAgo(openedDaysAgo),
      ]);
    };
    await alert(alerts.oldResolved, 'resolved', 400, 399, 'sos');
    await alert(alerts.oldCancelled, 'cancelled', 500, 500, 'fall');
    await alert(alerts.recentResolved, 'resolved', 400, 20, 'hr_high');
    await alert(alerts.oldOpen, 'open', 600, null, 'spo2_low');
    const request = async (
      id: string,
      status: string,
      requestedDaysAgo: number,
      doneDaysAgo: number | null,
    ) => {
      await db.query(
        `insert into service_requests (id, retiree_id, requested_at, status, done_at) values ($1, $2, $3, $4, $5)`,
        [id, retiree, daysAgo(requestedDaysAgo), status, doneDaysAgo === null ? null : daysAgo(doneDaysAgo)],
      );
    };
    await request(requests.oldDone, 'done', 800, 700);
    await request(requests.oldRequested, 'requested', 800, null);
    await request(requests.recentDone, 'done', 800, 10);
    await telemetry.write([
      {
        deviceId: 'ret-watch',
        deviceType: 'wearable.watch',
        retireeId: retiree,
        ts: daysAgo(31).getTime(),
        fields: { hr: 70 },
      },
      {
        deviceId: 'ret-watch',
        deviceType: 'wearable.watch',
        retireeId: retiree,
        ts: daysAgo(30).getTime() + 1,
        fields: { hr: 71 },
      },
      {
        deviceId: 'ret-watch',
        deviceType: 'wearable.watch',
        retireeId: retiree,
        ts: daysAgo(1).getTime(),
        fields: { hr: 72, spo2: 98 },
      },
    ]);
  });

  afterAll(async () => {
    await telemetry?.stop();
    await dir?.remove();
    await close?.();
  });

  it.skipIf(engine.skip)(
    'deletes telemetry and closed records past their limits, and only those',
    async () => {
      const job = new RetentionJob(
        { db, telemetry, now: () => NOW },
        { telemetryDays: 30, closedRecordsDays: 365, intervalMs: 3_600_000 },
        pino({ level: 'silent' }),
        registry,
      );
      const report = await job.run();
      expect(report).toStrictEqual({
        id: report.id,
        at: NOW.toISOString(),
        telemetry: { days: 30, before: daysAgo(30).toISOString(), removed: 1, store: 'embedded' },
        closedRecords: {
          days: 365,
          before: daysAgo(365).toISOString(),
          removed: 5,
          tables: {
            alert_steps: { deleted: 2, detached: 0 },
            alerts: { deleted: 2, detached: 0 },
            service_requests: { deleted: 1, detached: 0 },
          },
        },
      } satisfies RetentionReport);
      const left = async (table: string) =>
        (
          await db.query<{ id: string }>(
            `select id::text as id from ${table} where retiree_id = $1 order by id`,
            [retiree],
          )
        ).map((row) => row.id);
      expect(await left('alerts')).toStrictEqual([alerts.recentResolved, alerts.oldOpen].sort());
      expect(await left('service_requests')).toStrictEqual(
        [requests.oldRequested, requests.recentDone].sort(),
      );
      const steps = await db.query<{ alert_id: string }>(
        'select alert_id::text as alert_id from alert_steps order by alert_id',
      );
      expect(steps.map((row) => row.alert_id)).toStrictEqual([alerts.recentResolved, alerts.oldOpen].sort());
      expect((await telemetry.readSeries({ deviceIds: ['ret-watch'] })).map((r) => r.value)).toStrictEqual([
        71, 72, 98,
      ]);

      const [receipt] = await db.query<{ kind: string; detail: RetentionReport }>(
        `select kind, detail from privacy_receipts where id = $1`,
        [report.id],
      );
      expect(receipt).toStrictEqual({ kind: 'retention', detail: report });
      const metrics = await registry.metrics();
      expect(metrics).toContain('hub_retention_runs_total{result="ok"} 1');
      expect(metrics).toContain('hub_retention_removed_total{store="telemetry"} 1');
      expect(metrics).toContain('hub_retention_removed_total{store="records"} 5');

      // A second run at the same moment finds nothing more.
      const again = await job.run();
      expect([again.telemetry.removed, again.closedRecords.removed]).toStrictEqual([0, 0]);
    },
  );

  it.skipIf(engine.skip)('keeps everything when both limits are off, and schedules nothing', async () => {
    const job = new RetentionJob(
      { db, telemetry, now: () => new Date(NOW.getTime() + 10_000 * DAY) },
      { telemetryDays: null, closedRecordsDays: null, intervalMs: 3_600_000 },
      pino({ level: 'silent' }),
      new promClient.Registry(),
    );
    job.start();
    const values = (await telemetry.readSeries({ deviceIds: ['ret-watch'] })).length;
    const report = await job.run();
    expect(report.telemetry).toStrictEqual({ days: null, before: null, removed: 0, store: 'embedded' });
    expect(report.closedRecords).toStrictEqual({ days: null, before: null, removed: 0, tables: {} });
    expect((await telemetry.readSeries({ deviceIds: ['ret-watch'] })).length).toBe(values);
    // A run that removed nothing leaves no receipt.
    expect(await db.query('select 1 from privacy_receipts where id = $1', [report.id])).toStrictEqual([]);
    await job.stop();
  });
});

describe('retention through the hub', () => {
  let t: TestHub;

  beforeAll(async () => {
    t = await startTestHub({ HUB_RETENTION_TELEMETRY_DAYS: '90', HUB_RETENTION_CLOSED_RECORDS_DAYS: 'off' });
  });
  afterAll(() => t?.stop());

  it('runs on demand for admins only, with its settings, and shows in /metrics', async () => {
    for (const role of ['supervisor', 'caseworker', 'operator']) {
      const staff = await t.addStaff(`retention-${role}`, role);
      expect((await t.api('POST', '/api/privacy/retention/run', undefined, staff.token)).status).toBe(403);
    }
    const run = await t.api<RetentionReport>('POST', '/api/privacy/retention/run');
    expect(run.status).toBe(200);
    expect(run.body.telemetry.days).toBe(90);
    expect(run.body.closedRecords).toStrictEqual({ days: null, before: null, removed: 0, tables: {} });
    const metrics = await t.api<string>('GET', '/metrics');
    expect(metrics.body).toContain('hub_retention_runs_total{result="ok"} 1');
    // The privacy routes are documented with the rest.
    const docs = await t.api<{ paths: Record<string, unknown> }>('GET', '/docs/json');
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/privacy/retirees/{id}/export',
        '/api/privacy/retirees/{id}/deletion',
        '/api/privacy/receipts',
        '/api/privacy/retention/run',
      ]),
    );
  });
});
