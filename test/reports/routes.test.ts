/** The figures of clause 7.1 over HTTP on a real hub: JSON, the Excel workbook, bad periods, roles. */
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth/secrets.ts';
import type { AlertReport } from '../../server/schemas/index.ts';
import { UserStore } from '../../server/store/users.ts';
import { suiteHub } from '../helpers/suite.ts';

describe('alert figures over HTTP', () => {
  const t = suiteHub();
  let caseworkerToken: string;
  let operatorToken: string;

  beforeAll(async () => {
    const retiree = await t.addRetiree({ name: '王建军' });
    const watch = await t.addDevice('wearable.watch', retiree.id);
    const pendant = await t.addDevice('pendant.sos', retiree.id);
    const insert = async (
      device: string,
      openedAt: string,
      fields: { ack?: number; resolved?: number; outcome?: string; kind?: string } = {},
    ) => {
      const id = randomUUID();
      const opened = new Date(openedAt);
      const later = (seconds: number | undefined) =>
        seconds === undefined ? null : new Date(opened.getTime() + seconds * 1000);
      const status =
        fields.resolved !== undefined ? 'resolved' : fields.ack !== undefined ? 'acknowledged' : 'open';
      await t.hub.db.query(
        `insert into alerts (id, retiree_id, device_id, kind, severity, status, subject, opened_at, last_at,
                             acknowledged_at, resolved_at, outcome)
         values ($1, $2, $3, $4, 'critical', $5, $10, $6, $6, $7, $8, $9)`,
        [
          id,
          retiree.id,
          device,
          fields.kind ?? 'sos',
          status,
          opened,
          later(fields.ack),
          later(fields.resolved),
          fields.outcome ?? null,
          id,
        ],
      );
    };
    // 10 March 2024 (Shanghai): three answered calls, one never answered.
    await insert(watch.device.id, '2024-03-10T01:00:00Z', { ack: 30, resolved: 300, outcome: 'genuine' });
    await insert(watch.device.id, '2024-03-10T03:00:00Z', { ack: 90, resolved: 500, outcome: 'false_alarm' });
    await insert(pendant.device.id, '2024-03-10T05:00:00Z', { ack: 50, resolved: 100, outcome: 'genuine' });
    await insert(pendant.device.id, '2024-03-10T06:00:00Z', { kind: 'fall' });
    // 11 March 2024: one more, 00:30 Shanghai (still 10 March in UTC).
    await insert(watch.device.id, '2024-03-10T16:30:00Z', {
      ack: 200,
      resolved: 1000,
      outcome: 'false_alarm',
    });

    const users = new UserStore(t.hub.db);
    for (const role of ['caseworker', 'operator'] as const) {
      await users.create({
        username: `${role}-reports`,
        displayName: role,
        role,
        passwordHash: await hashPassword('password-for-tests'),
      });
    }
    const login = async (username: string) =>
      (
        await t.api<{ token: string }>(
          'POST',
          '/api/auth/login',
          { username, password: 'password-for-tests' },
          null,
        )
      ).body.token;
    caseworkerToken = await login('caseworker-reports');
    operatorToken = await login('operator-reports');
  });

  it('answers the figures per day with totals', async () => {
    const response = await t.api<AlertReport>(
      'GET',
      '/api/reports/alerts?from=2024-03-10&to=2024-03-11&group=day',
    );
    expect(response.status).toBe(200);
    const report = response.body;
    expect(report).toMatchObject({
      from: '2024-03-10',
      to: '2024-03-11',
      group: 'day',
      timeZone: 'Asia/Shanghai',
    });
    expect(report.targets).toStrictEqual({ within60: 0.975, within180: 0.99 });
    expect(report.rows.map((row) => [row.key, row.count])).toStrictEqual([
      ['2024-03-10', 4],
      ['2024-03-11', 1],
    ]);
    const first = report.rows[0]!;
    // 30, 50, 90 s → median 50, p90 at h = 1.8: 50 + 0.8 × 40
    expect(first.timeToAcknowledge).toStrictEqual({ count: 3, medianSeconds: 50, p90Seconds: 82 });
    expect(first.timeToResolve).toStrictEqual({ count: 3, medianSeconds: 300, p90Seconds: 460 });
    // The fall never acknowledged (years ago by now) misses both targets.
    expect(first.within60).toStrictEqual({ counted: 4, met: 2, share: 0.5 });
    expect(first.within180).toStrictEqual({ counted: 4, met: 3, share: 0.75 });
    expect(report.totals.count).toBe(5);
    expect(report.totals.byOutcome).toStrictEqual({ false_alarm: 2, genuine: 2, unresolved: 1 });
    expect(report.totals.falseAlarmRates).toStrictEqual([
      { model: 'pendant.sos', resolved: 1, falseAlarms: 0, rate: 0 },
      { model: 'wearable.watch', resolved: 3, falseAlarms: 2, rate: 2 / 3 },
    ]);
  });

  it('lets operators read the figures, and keeps caseworkers out', async () => {
    const query = '/api/reports/alerts?from=2024-03-10&to=2024-03-11';
    expect((await t.api('GET', query, undefined, operatorToken)).status).toBe(200);
    const refused = await t.api('GET', query, undefined, caseworkerToken);
    expect(refused).toStrictEqual({
      status: 403,
      body: { error: 'forbidden', message: 'not allowed for your role' },
    });
    expect(
      (await t.api('GET', query.replace('alerts?', 'alerts.xlsx?'), undefined, caseworkerToken)).status,
    ).toBe(403);
    expect((await t.api('GET', query, undefined, null)).status).toBe(401);
  });

  it('refuses bad periods with 400', async () => {
    const bad = [
      'from=2024-01-01&to=2025-02-05', // 402 days
      'from=2024-03-11&to=2024-03-10', // ends before it starts
      'from=2023-02-29&to=2023-03-01', // no such day
      'from=10-03-2024&to=2024-03-11',
      'to=2024-03-11',
      'from=2024-03-10&to=2024-03-11&group=week',
    ];
    for (const query of bad) {
      for (const path of ['/api/reports/alerts', '/api/reports/alerts.xlsx']) {
        const response = await t.api<{ error: string }>('GET', `${path}?${query}`);
        expect([query, response.status, response.body.error]).toStrictEqual([query, 400, 'bad_request']);
      }
    }
    const longest = await t.api('GET', '/api/reports/alerts?from=2024-01-01&to=2025-02-03&group=month');
    expect(longest.status).toBe(200); // 400 days exactly
  });

  it('serves an Excel workbook with Chinese headers and the same numbers', async () => {
    const response = await fetch(`${t.url}/api/reports/alerts.xlsx?from=2024-03-10&to=2024-03-11&group=day`, {
      headers: { authorization: `Bearer ${t.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(response.headers.get('content-disposition')).toContain(
      'attachment; filename="alert-figures_2024-03-10_2024-03-11_day.xlsx"',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    expect(workbook.worksheets.map((sheet) => sheet.name)).toStrictEqual([
      '统计 Figures',
      '类型与结果 Kinds',
      '误报率 False alarms',
      '告警明细 Alerts',
    ]);

    const figures = workbook.getWorksheet('统计 Figures')!;
    const header = (figures.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 4)).toStrictEqual([
      '时段 / Period',
      '告警数 / Alerts',
      '需确认告警数 / Alarm calls',
      '确认用时中位数(秒) / Median time to acknowledge (s)',
    ]);
    expect(header[9]).toBe('60秒内确认率 / Share ≤ 60 s');
    expect((figures.getRow(2).values as unknown[]).slice(1)).toStrictEqual([
      '2024-03-10',
      4,
      4,
      50,
      82,
      300,
      460,
      2,
      4,
      0.5,
      3,
      4,
      0.75,
    ]);
    const total = (figures.getRow(4).values as unknown[]).slice(1);
    expect(total.slice(0, 2)).toStrictEqual(['合计 / Total', 5]);
    expect(figures.getRow(2).getCell(10).numFmt).toBe('0.0%');

    const kinds = workbook.getWorksheet('类型与结果 Kinds')!;
    const kindRows = kinds
      .getSheetValues()
      .slice(2)
      .map((row) => (row as unknown[]).slice(1));
    expect(kindRows).toContainEqual(['2024-03-10', '告警类型 / Kind', 'sos', '紧急求救', 3]);
    expect(kindRows).toContainEqual(['合计 / Total', '处理结果 / Outcome', 'false_alarm', '误报', 2]);

    const models = workbook.getWorksheet('误报率 False alarms')!;
    expect((models.getRow(1).values as unknown[]).slice(1, 3)).toStrictEqual([
      '时段 / Period',
      '设备型号 / Model',
    ]);
    expect((models.getRow(3).values as unknown[]).slice(1)).toStrictEqual([
      '合计 / Total',
      'wearable.watch',
      3,
      2,
      2 / 3,
    ]);

    const raw = workbook.getWorksheet('告警明细 Alerts')!;
    expect(raw.rowCount).toBe(6);
    expect((raw.getRow(2).values as unknown[]).slice(2, 4)).toStrictEqual([
      '2024-03-10 09:00:00',
      '2024-03-10',
    ]);
    expect(raw.getRow(2).getCell(8).value).toBe('王建军');
    expect(raw.getRow(2).getCell(13).value).toBe(30);
  });
});
