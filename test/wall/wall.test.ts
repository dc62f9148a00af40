/**
 * The live wall a page at a time (`GET /api/wall`), on a whole hub: retirees with an unacknowledged
 * alert first (worst severity first), then those being handled, then everyone else by name in the
 * archive list's order; pages that neither overlap nor leave gaps; a name filter that never hides
 * an alerting retiree; a caseworker's station; the counts; bad query values refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertCandidate } from '../../devices/contract.ts';
import type { Alert, CreatedDevice } from '../../server/schemas/index.ts';
import type { WallPage } from '../../server/schemas/wall.ts';
import { hubEngines } from '../helpers/engines.ts';
import { eventually, publish } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

// Both record engines: PGlite, and a PostgreSQL server when one is installed.
const { engines, stop } = await hubEngines();
afterAll(stop);

const EAST = '东站';
const WEST = '西站';

for (const engine of engines)
  describe.skipIf(engine.skip)(`the paged live wall on ${engine.name}`, () => {
    const t = suiteHub(() => engine.env());
    const ids: Record<string, string> = {};
    const devices: Record<string, string> = {};
    const created: Record<string, CreatedDevice> = {};
    let caseworker: { id: string; token: string };
    let familyToken: string;

    const wall = (query = '', token?: string | null) =>
      t.api<WallPage>('GET', `/api/wall${query}`, undefined, token);
    const names = (page: WallPage) => page.items.map((item) => item.name);

    /** An alert through the hub's own workflow, as a detection rule raises one. */
    async function raise(key: string, kind: AlertCandidate['kind'], severity: AlertCandidate['severity']) {
      const outcome = await t.hub.workflow.handle({
        deviceId: devices[key]!,
        kind,
        severity,
        ts: Date.now(),
        detail: {},
      });
      expect(outcome?.change).toBe('opened');
      return outcome!.alert as Alert;
    }

    beforeAll(async () => {
      // Names chosen so that name order and alert order disagree.
      for (const [key, name, station] of [
        ['calm1', '安国庆', EAST],
        ['calm2', '白志刚', EAST],
        ['calm3', '陈卫东', EAST],
        ['calm4', '邓秀英', EAST],
        ['calm5', '冯桂兰', EAST],
        ['closed', '傅德明', EAST],
        ['sosOpen', '周振华', EAST],
        ['leakOpen', '胡玉珍', EAST],
        ['hrOpen', '吴文华', EAST],
        ['mixed', '郑淑芬', EAST],
        ['handled', '孙光明', EAST],
        ['handledLow', '钱永红', EAST],
        ['westCalm', '马建国', WEST],
        ['westSos', '罗建军', WEST],
      ] as const) {
        ids[key] = await t.addArchiveRetiree(name, station);
        created[key] = await t.addDevice('wearable.watch', ids[key]!);
        devices[key] = created[key].device.id;
      }
      await raise('sosOpen', 'sos', 'critical');
      await raise('leakOpen', 'water_leak', 'medium');
      await raise('hrOpen', 'hr_high', 'high');
      // An unacknowledged low alert beside an acknowledged critical one: still unacknowledged, worst critical.
      await raise('mixed', 'battery_low', 'low');
      const mixedSos = await raise('mixed', 'sos', 'critical');
      expect((await t.api('POST', `/api/alerts/${mixedSos.id}/ack`, {})).status).toBe(200);
      const handled = await raise('handled', 'fall', 'critical');
      expect((await t.api('POST', `/api/alerts/${handled.id}/ack`, {})).status).toBe(200);
      const working = await t.api<Alert>('POST', `/api/alerts/${handled.id}/actions`, {
        action: 'called_retiree',
      });
      expect(working.body.status).toBe('in_progress');
      const handledLow = await raise('handledLow', 'device_offline', 'low');
      expect((await t.api('POST', `/api/alerts/${handledLow.id}/ack`, {})).status).toBe(200);
      const closed = await raise('closed', 'sos', 'critical');
      expect(
        (await t.api('POST', `/api/alerts/${closed.id}/resolve`, { outcome: 'false_alarm', note: '误按' }))
          .status,
      ).toBe(200);
      await raise('westSos', 'sos', 'critical');
      caseworker = await t.addStaff('cw.wall', 'caseworker', EAST);
      const withContact = await t.addRetiree({ name: '家属测试老人' });
      familyToken = await t.addFamily(withContact, 'family.wall');
      ids.family = withContact.id;
    });

    it('lists unacknowledged alerts first, worst first, then those being handled, then everyone by name', async () => {
      const response = await wall('?limit=500');
      expect(response.status).toBe(200);
      const page = response.body;
      // Names in pinyin order (艾 ‹ 白 ‹ 陈 ‹ 张), whatever the database's own collation.
      const pinyin = new Intl.Collator('zh-CN');
      const archive = await t.api<{ items: { id: string; name: string }[] }>(
        'GET',
        '/api/archive/retirees?limit=500',
      );
      const inPinyin = [...archive.body.items].sort(
        (a, b) => pinyin.compare(a.name, b.name) || (a.id < b.id ? -1 : 1),
      );
      const attention = new Set(
        ['sosOpen', 'leakOpen', 'hrOpen', 'mixed', 'handled', 'handledLow', 'westSos'].map((key) => ids[key]),
      );
      const calm = inPinyin.map((item) => item.id).filter((id) => !attention.has(id));
      expect(calm.slice(0, 3)).toEqual([ids.calm1, ids.calm2, ids.calm3]);

      const opening = page.items.slice(0, 7).map((item) => item.id);
      const byName = (keys: string[]) =>
        keys.sort(
          (a, b) =>
            inPinyin.findIndex((item) => item.id === ids[a]) -
            inPinyin.findIndex((item) => item.id === ids[b]),
        );
      expect(opening).toEqual(
        [
          // Unacknowledged, critical (by name), then high, then medium.
          ...byName(['sosOpen', 'mixed', 'westSos']),
          'hrOpen',
          'leakOpen',
          // Being handled: critical, then low.
          'handled',
          'handledLow',
        ].map((key) => ids[key]),
      );
      expect(page.items.slice(7).map((item) => item.id)).toEqual(calm);

      const tile = (key: string) => page.items.find((item) => item.id === ids[key])!;
      expect(tile('mixed')).toMatchObject({
        openAlerts: 1,
        acknowledgedAlerts: 1,
        worstSeverity: 'critical',
      });
      expect(tile('handled')).toMatchObject({
        openAlerts: 0,
        acknowledgedAlerts: 1,
        worstSeverity: 'critical',
      });
      expect(tile('leakOpen')).toMatchObject({
        openAlerts: 1,
        acknowledgedAlerts: 0,
        worstSeverity: 'medium',
      });
      expect(tile('closed')).toMatchObject({ openAlerts: 0, acknowledgedAlerts: 0, worstSeverity: null });
      expect(tile('calm1').devices.map((device) => device.id)).toEqual([devices.calm1]);

      expect(page).toMatchObject({ total: 15, attention: 7, offlineDevices: 14, limit: 500, offset: 0 });
    });

    it('pages without overlap or gaps, across the end of the alerting retirees', async () => {
      const whole = (await wall('?limit=500')).body;
      const seen: string[] = [];
      for (let offset = 0; offset < whole.total; offset += 4) {
        const response = await wall(`?limit=4&offset=${offset}`);
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({ limit: 4, offset, total: whole.total, attention: 7 });
        expect(response.body.items.length).toBe(Math.min(4, whole.total - offset));
        seen.push(...response.body.items.map((item) => item.id));
      }
      expect(seen).toEqual(whole.items.map((item) => item.id));
      expect(new Set(seen).size).toBe(whole.total);
      const beyond = await wall('?limit=4&offset=100');
      expect(beyond.body.items).toEqual([]);
      expect(beyond.body.total).toBe(whole.total);
      // The default page size.
      expect((await wall()).body.limit).toBe(120);
    });

    it('filters names but keeps every alerting retiree, and counts what it lists', async () => {
      const response = await wall(`?q=${encodeURIComponent('卫东')}`);
      expect(response.status).toBe(200);
      const page = response.body;
      expect(page.items.slice(0, 7).every((item) => item.openAlerts + item.acknowledgedAlerts > 0)).toBe(
        true,
      );
      expect(names(page).slice(7)).toEqual(['陈卫东']);
      expect(page).toMatchObject({ total: 8, attention: 7 });
      // A filter that only an alerting retiree matches lists the alerting ones alone.
      const alerting = (await wall(`?q=${encodeURIComponent('周振华')}`)).body;
      expect(alerting.total).toBe(7);
      expect(alerting.items.map((item) => item.id)).toContain(ids.sosOpen);
      // LIKE's wildcards are plain characters in the filter.
      expect((await wall(`?q=${encodeURIComponent('%')}`)).body.total).toBe(7);
      // Blank is no filter.
      expect((await wall('?q=%20')).body.total).toBe(15);
    });

    it("shows a caseworker their station's retirees and counts only theirs", async () => {
      const response = await wall('?limit=500', caseworker.token);
      expect(response.status).toBe(200);
      const page = response.body;
      expect(page.items.map((item) => item.id)).not.toContain(ids.westSos);
      expect(page.items.map((item) => item.id)).not.toContain(ids.westCalm);
      expect(page).toMatchObject({ total: 12, attention: 6, offlineDevices: 12 });
      expect([ids.sosOpen, ids.mixed]).toContain(page.items[0]?.id);
    });

    it('gives the latest heart rate and device state of the page, live', async () => {
      const client = await t.connectDevice(created.calm2!);
      await publish(client, `eldercare/v1/${devices.calm2}/status`, { online: true, battery: 80 }, 1, true);
      await publish(client, `eldercare/v1/${devices.calm2}/telemetry`, { hr: 72 });
      const tile = await eventually(async () => {
        const page = (await wall(`?q=${encodeURIComponent('白志刚')}`)).body;
        const found = page.items.find((item) => item.id === ids.calm2);
        // Online comes with the connection, the battery with the status message: both are waited for.
        const device = found?.devices[0];
        return found?.hr === 72 && device?.online && device.battery === 80 && page.offlineDevices === 13
          ? found
          : undefined;
      }, 10_000);
      expect(tile.hrAt).not.toBeNull();
      expect(tile.devices[0]).toMatchObject({ id: devices.calm2, online: true, battery: 80 });
    });

    it('refuses bad query values with a 400 that names the field, and keeps families and strangers out', async () => {
      for (const query of [
        'limit=0',
        'limit=501',
        'limit=ten',
        'offset=-1',
        'offset=1.5',
        `q=${'名'.repeat(65)}`,
      ]) {
        const response = await t.api<{ error: string; message: string }>('GET', `/api/wall?${query}`);
        expect(response.status, query).toBe(400);
        expect(response.body.error).toBe('bad_request');
        expect(response.body.message).toContain(query.split('=')[0]);
      }
      expect((await wall('', familyToken)).status).toBe(403);
      expect((await wall('', null)).status).toBe(401);
    });
  });
