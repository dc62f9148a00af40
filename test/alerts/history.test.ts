/**
 * The alert history (`GET /api/alert-history`, and the same filters on `GET /api/alerts`): past
 * alerts found again by status, kind, severity, part of the retiree's name and when they opened, a
 * page at a time with the total, within the caller's station.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Alert, AlertPage, Retiree } from '../../server/schemas/index.ts';
import { AlertStore } from '../../server/store/alerts.ts';
import { addStations } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

describe('alert history: filters and pages', () => {
  const t = suiteHub();
  let east: Retiree;
  let west: Retiree;
  let caseworker: string;
  /** The alerts made, by name: opened on the days below, then brought to their status. */
  const made: Record<'sos' | 'fall' | 'heart' | 'battery', string> = {
    sos: '',
    fall: '',
    heart: '',
    battery: '',
  };

  beforeAll(async () => {
    const stations = await addStations(t, 'history-caseworker');
    east = stations.east;
    west = stations.west;
    caseworker = stations.stationCaseworker.token;
    const alerts = new AlertStore(t.hub.db);
    const devices: Record<string, string> = {};
    const open = async (retiree: Retiree, kind: string, severity: Alert['severity'], at: string) => {
      const device = await t.addDevice('pendant.sos', retiree.id);
      devices[kind] = device.device.id;
      return alerts.insert({
        retireeId: retiree.id,
        deviceId: device.device.id,
        kind,
        severity,
        subject: retiree.id,
        at: new Date(at),
        eventId: null,
        detail: {},
      });
    };
    made.sos = await open(east, 'sos', 'critical', '2026-03-01T02:00:00Z');
    made.fall = await open(east, 'fall', 'high', '2026-03-10T02:00:00Z');
    made.heart = await open(west, 'hr_high', 'high', '2026-03-20T02:00:00Z');
    made.battery = await open(east, 'battery_low', 'low', '2026-04-02T02:00:00Z');
    for (const id of [made.sos, made.battery]) {
      const resolved = await t.api('POST', `/api/alerts/${id}/resolve`, {
        outcome: 'genuine',
        note: '已处理',
      });
      expect(resolved.status).toBe(200);
    }
    // The retiree pressed cancel before anyone acknowledged the fall.
    await t.hub.workflow.cancelFromDevice(devices.fall ?? '', 'history-cancel', new Date());
    expect((await t.api<Alert>('GET', `/api/alerts/${made.fall}`)).body.status).toBe('cancelled');
  });

  async function page(query: string, token?: string): Promise<AlertPage> {
    const answer = await t.api<AlertPage>('GET', `/api/alert-history?${query}`, undefined, token);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  }
  const ids = (found: { items: Alert[] }) => found.items.map((alert) => alert.id);

  it('finds closed alerts by part of the retiree name, newest first, with the total', async () => {
    const closed = await page(`status=closed&q=${encodeURIComponent('东站')}`);
    expect(ids(closed)).toStrictEqual([made.battery, made.fall, made.sos]);
    expect(closed.total).toBe(3);
    expect(closed.items.map((alert) => alert.status)).toStrictEqual(['resolved', 'cancelled', 'resolved']);
    expect(closed.items[0]).toMatchObject({ retireeName: '东站老人', outcome: 'genuine', note: '已处理' });
  });

  it('filters by one status, kind, severity and a range of opening times', async () => {
    expect(ids(await page('status=resolved'))).toStrictEqual([made.battery, made.sos]);
    expect(ids(await page('status=open'))).toStrictEqual([made.heart]);
    expect(ids(await page('kind=fall'))).toStrictEqual([made.fall]);
    expect(ids(await page('severity=high'))).toStrictEqual([made.heart, made.fall]);
    const march = await page('from=2026-03-05T00:00:00Z&to=2026-03-20T02:00:00Z');
    // `from` is inclusive, `to` exclusive: the alert opened at `to` belongs to the next range.
    expect(ids(march)).toStrictEqual([made.fall]);
    expect(ids(await page('severity=high&status=closed'))).toStrictEqual([made.fall]);
    // The typed text is a name, not a pattern.
    expect((await page(`q=${encodeURIComponent('%')}`)).total).toBe(0);
  });

  it('pages through them with the same total on every page', async () => {
    const first = await page('limit=3');
    expect(first).toMatchObject({ total: 4, limit: 3, offset: 0 });
    expect(ids(first)).toStrictEqual([made.battery, made.heart, made.fall]);
    const second = await page('limit=3&offset=3');
    expect(second).toMatchObject({ total: 4, limit: 3, offset: 3 });
    expect(ids(second)).toStrictEqual([made.sos]);
  });

  it("shows a station's caseworker the alerts of that station's retirees only", async () => {
    const seen = await page('', caseworker);
    expect(seen.total).toBe(3);
    expect(seen.items.every((alert) => alert.retireeId === east.id)).toBe(true);
    expect((await page(`retireeId=${west.id}`, caseworker)).total).toBe(0);
  });

  it('keeps GET /api/alerts an array, with the same filters', async () => {
    const queue = await t.api<Alert[]>('GET', '/api/alerts?status=active');
    expect(queue.body.map((alert) => alert.id)).toStrictEqual([made.heart]);
    const closed = await t.api<Alert[]>('GET', '/api/alerts?status=closed&kind=sos');
    expect(closed.body.map((alert) => alert.id)).toStrictEqual([made.sos]);
    const second = await t.api<Alert[]>('GET', '/api/alerts?limit=1&offset=1');
    expect(second.body.map((alert) => alert.id)).toStrictEqual([made.heart]);
    expect(
      (await t.api<Alert[]>('GET', `/api/alerts?retireeId=${west.id}`, undefined, caseworker)).body,
    ).toEqual([]);
  });

  it('refuses filters it cannot read, and an id that is no id finds nothing', async () => {
    for (const query of ['severity=grave', 'status=gone', 'from=yesterday', 'offset=-1', 'limit=0']) {
      expect((await t.api('GET', `/api/alert-history?${query}`)).status, query).toBe(400);
    }
    const backwards = await t.api(
      'GET',
      '/api/alert-history?from=2026-04-01T00:00:00Z&to=2026-03-01T00:00:00Z',
    );
    expect(backwards).toMatchObject({ status: 400, body: { message: 'from is after to' } });
    expect(await page('retireeId=not-an-id')).toMatchObject({ items: [], total: 0 });
  });

  it('is for signed-in staff only', async () => {
    expect((await t.api('GET', '/api/alert-history', undefined, null)).status).toBe(401);
  });
});
