/**
 * A watch at rest reports the same fix and routers every few minutes: a fix that would only repeat
 * the last one an access point learned from is not written, while one from farther away, or later,
 * still counts (so a moving access point is found out at once). On PGlite, through AccessPoints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../server/db/database.ts';
import { migrate } from '../../server/db/migrate.ts';
import { AccessPoints, RELEARN_AFTER_MS } from '../../server/location/wifi.ts';
import { makeTempDir } from '../helpers/tmp.ts';

const ROUTER = '00:1A:2B:3C:4D:5E';
const HOME = { lat: 30.6598, lon: 104.0657 };

describe('learning an access point again', () => {
  let db: Database;
  let remove: () => Promise<void>;
  const stored = async () =>
    (
      await db.query<{ samples: number; moving: boolean }>(
        'select samples, moving from wifi_access_points where mac = $1',
        [ROUTER],
      )
    )[0];

  beforeAll(async () => {
    const dir = await makeTempDir('junxiu-wifi-');
    remove = dir.remove;
    db = await openDatabase({ dataDir: dir.path });
    await migrate(db);
  });
  afterAll(async () => {
    await db.close();
    await remove();
  });

  it('writes a repeated fix from the same place only once a while', async () => {
    const points = new AccessPoints(db);
    const start = Date.parse('2026-12-01T08:00:00Z');
    expect(await points.learn(HOME, [{ mac: ROUTER, rssi: -50 }], new Date(start))).toBe(1);
    // A minute later, 10 m away: nothing new to learn.
    const near = { lat: HOME.lat + 0.00009, lon: HOME.lon };
    expect(await points.learn(near, [{ mac: ROUTER, rssi: -50 }], new Date(start + 60_000))).toBe(0);
    expect(await stored()).toEqual({ samples: 1, moving: false });
    // Past the interval the same place counts again.
    const later = new Date(start + RELEARN_AFTER_MS + 1);
    expect(await points.learn(near, [{ mac: ROUTER, rssi: -50 }], later)).toBe(1);
    expect(await stored()).toEqual({ samples: 2, moving: false });
    // A hub that restarts remembers nothing and learns the next fix.
    const restarted = new AccessPoints(db);
    expect(await restarted.learn(HOME, [{ mac: ROUTER }], new Date(later.getTime() + 1000))).toBe(1);
    expect(await stored()).toEqual({ samples: 3, moving: false });
  });

  it('learns a fix from far away at once, which finds a moving access point', async () => {
    const points = new AccessPoints(db);
    const at = Date.parse('2026-12-01T09:00:00Z');
    expect(await points.learn(HOME, [{ mac: ROUTER }], new Date(at))).toBe(1);
    const farAway = { lat: HOME.lat + 0.027, lon: HOME.lon };
    expect(await points.learn(farAway, [{ mac: ROUTER }], new Date(at + 1000))).toBe(1);
    expect((await stored())?.moving).toBe(true);
  });
});
