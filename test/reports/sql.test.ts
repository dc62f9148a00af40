/**
 * The SQL of the alert figures (7.1) on both engines: which alerts fall in a period, day, month and
 * shift, with the boundaries in Asia/Shanghai while the store is UTC.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.ts';
import { alertReport, fetchAlertRows } from '../../server/reports/figures.ts';
import { recordEngines } from '../helpers/engines.ts';

const { engines, stop } = await recordEngines();
afterAll(stop);

/** Inserts an alert opened at `openedAt` (UTC ISO), acknowledged `ack` seconds later. */
async function insertAlert(
  db: Database,
  device: string,
  openedAt: string,
  extra: { ack?: number; kind?: string } = {},
): Promise<string> {
  const id = randomUUID();
  const opened = new Date(openedAt);
  const acknowledged = extra.ack === undefined ? null : new Date(opened.getTime() + extra.ack * 1000);
  await db.query(
    `insert into alerts (id, device_id, kind, severity, status, subject, opened_at, last_at, acknowledged_at)
     values ($1, $2, $3, 'critical', $4, $5, $6, $6, $7)`,
    [id, device, extra.kind ?? 'sos', acknowledged ? 'acknowledged' : 'open', id, opened, acknowledged],
  );
  return id;
}

for (const engine of engines) {
  describe.skipIf(engine.skip)(`alert figures SQL on ${engine.name}`, () => {
    let db: Database;
    let close: () => Promise<void>;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      ({ db, close } = await engine.open());
      await db.query(`insert into devices (id, type, secret_hash) values ('w1', 'wearable.watch', 'x')`);
      await db.query(`insert into devices (id, type, secret_hash) values ('p1', 'pendant.sos', 'x')`);
      // Two staff on the same rostered shift, 09:00–17:00 Shanghai on 2 May: one shift, two rows.
      for (const name of ['op1', 'op2']) {
        const user = randomUUID();
        await db.query(
          `insert into users (id, username, display_name, role, password_hash) values ($1, $2, $2, 'operator', 'x')`,
          [user, name],
        );
        await db.query('insert into duty_shifts (id, user_id, starts_at, ends_at) values ($1, $2, $3, $4)', [
          randomUUID(),
          user,
          new Date('2024-05-02T01:00:00Z'),
          new Date('2024-05-02T09:00:00Z'),
        ]);
      }
      ids.beforePeriod = await insertAlert(db, 'w1', '2024-04-30T15:59:59Z'); // 04-30 23:59:59 Shanghai
      ids.lateNight = await insertAlert(db, 'w1', '2024-05-01T15:30:00Z', { ack: 40 }); // 05-01 23:30
      ids.afterMidnight = await insertAlert(db, 'p1', '2024-05-01T16:30:00Z', { ack: 100 }); // 05-02 00:30
      ids.rostered = await insertAlert(db, 'p1', '2024-05-02T02:00:00Z', { ack: 20 }); // 05-02 10:00
      ids.juneFirst = await insertAlert(db, 'w1', '2024-05-31T16:00:00Z', { kind: 'fall' }); // 06-01 00:00
      ids.juneSecond = await insertAlert(db, 'w1', '2024-06-01T16:00:00Z'); // 06-02 00:00
    });
    afterAll(async () => {
      await close?.();
    });

    it('fetches the alerts opened between Shanghai midnights, with model and roster shift', async () => {
      const rows = await fetchAlertRows(db, '2024-05-01', '2024-05-02');
      expect(rows.map((row) => row.id)).toStrictEqual([ids.lateNight, ids.afterMidnight, ids.rostered]);
      expect(rows.map((row) => row.deviceType)).toStrictEqual([
        'wearable.watch',
        'pendant.sos',
        'pendant.sos',
      ]);
      expect(rows[2]?.shiftStart?.toISOString()).toBe('2024-05-02T01:00:00.000Z');
      expect(rows[0]?.shiftStart).toBeNull();
      expect(rows[1]?.acknowledgedAt?.toISOString()).toBe('2024-05-01T16:31:40.000Z');
    });

    it('groups by Shanghai day: 23:30 and 00:30 fall on different days', async () => {
      const asOf = new Date('2024-07-01T00:00:00Z');
      const { report } = await alertReport(db, { from: '2024-05-01', to: '2024-05-02', group: 'day' }, asOf);
      expect(
        report.rows.map((row) => [row.key, row.count, row.timeToAcknowledge.medianSeconds]),
      ).toStrictEqual([
        ['2024-05-01', 1, 40],
        ['2024-05-02', 2, 60],
      ]);
      expect(report.totals.count).toBe(3);
      expect(report.totals.within60).toStrictEqual({ counted: 3, met: 2, share: 2 / 3 });
      expect(report.totals.within180).toStrictEqual({ counted: 3, met: 3, share: 1 });
    });

    it('groups by shift: the night across midnight is one shift, the roster wins where it exists', async () => {
      const asOf = new Date('2024-07-01T00:00:00Z');
      const { report } = await alertReport(
        db,
        { from: '2024-05-01', to: '2024-05-02', group: 'shift' },
        asOf,
      );
      expect(report.rows.map((row) => [row.key, row.source, row.count])).toStrictEqual([
        ['2024-05-01 20:00–2024-05-02 08:00', 'default', 2],
        ['2024-05-02 09:00–2024-05-02 17:00', 'roster', 1],
      ]);
      expect(report.rows[0]?.timeToAcknowledge).toStrictEqual({
        count: 2,
        medianSeconds: 70,
        p90Seconds: 94,
      });
    });

    it('groups by Shanghai month: 1 June 00:00 Shanghai is June, though still May in UTC', async () => {
      const asOf = new Date('2024-07-01T00:00:00Z');
      const { report } = await alertReport(
        db,
        { from: '2024-05-01', to: '2024-06-01', group: 'month' },
        asOf,
      );
      expect(report.rows.map((row) => [row.key, row.count, row.byKind])).toStrictEqual([
        ['2024-05', 3, { sos: 3 }],
        ['2024-06', 1, { fall: 1 }],
      ]);
    });
  });
}
