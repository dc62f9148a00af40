/**
 * A watch indoors placed by the Wi-Fi access points it hears, which the hub learned by itself
 * from watches reporting a satellite fix with the access points they heard. A phone's hotspot (a
 * locally administered address) is never learned; an access point heard from places far apart
 * moves, and is never used again. Over real TCP, as a 3G watch reports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distanceMetres } from '../../server/location/geo.ts';
import type { LocationAnswer } from '../../server/location/schemas.ts';
import { normalMac, WIFI_RANGE_M } from '../../server/location/wifi.ts';
import { eventually, metricValue, startTestHub, type TestHub } from '../helpers/hub.ts';
import { sendThreeG, udFrame } from '../helpers/threeg.ts';

const WATCH = '4700186601';
const HOME = { lat: 30.657, lon: 104.066 };
/** The home's router and its neighbour's, heard indoors; a phone's hotspot beside them. */
const ROUTER = '00:1A:2B:3C:4D:5E';
const NEIGHBOUR = '5C:02:14:AA:BB:CC';
const HOTSPOT = 'A6:11:22:33:44:55';

/** A UD report, with a fix or without, listing no tower and these access points. */
function ud(at: Date, fix: { lat: number; lon: number } | null, points: [string, string, number][]): string {
  const listed = points.map(([name, mac, rssi]) => `,${name},${mac},${rssi}`).join('');
  return udFrame(WATCH, at, fix, `0,${points.length}${listed}`);
}

describe('access point addresses', () => {
  it('takes a router’s address in any spelling, and never a phone’s or a group address', () => {
    expect(normalMac('00-1a-2b-3c-4d-5e')).toBe(ROUTER);
    expect(normalMac('001A2B3C4D5E')).toBe(ROUTER);
    expect(normalMac(HOTSPOT)).toBeNull();
    expect(normalMac('01:00:5E:00:00:01')).toBeNull();
    expect(normalMac('00:00:00:00:00:00')).toBeNull();
    expect(normalMac('not a mac')).toBeNull();
  });
});

describe('placing a watch by the access points it hears', () => {
  let t: TestHub;
  let retireeId = '';
  let at = Math.floor(Date.now() / 1000) * 1000 - 60 * 60_000;

  beforeAll(async () => {
    t = await startTestHub({ HUB_WATCH_3G_PORT: '0' });
    retireeId = (await t.addRetiree()).id;
    await t.addDevice('watch.3g', retireeId, WATCH);
  });
  afterAll(() => t?.stop());

  const summary = async () =>
    (
      await t.api<{ accessPoints: number; moving: number; updatedAt: string | null }>(
        'GET',
        '/api/location/wifi-access-points',
      )
    ).body;

  const send = (report: string) => sendThreeG(t.hub.watchPorts['3g'], WATCH, report);

  const location = async () =>
    (await t.api<LocationAnswer>('GET', `/api/retirees/${retireeId}/location`)).body.location;

  async function placedAt(time: number) {
    return eventually(async () => {
      const latest = await location();
      return latest?.fixedAt === new Date(time).toISOString() ? latest : undefined;
    });
  }

  it('learns nothing before a satellite fix: a report without one is no place', async () => {
    expect(await summary()).toEqual({ accessPoints: 0, moving: 0, updatedAt: null });
    const unplaced = await metricValue(t, 'hub_location_fixes_total{outcome="unplaced"}');
    at += 60_000;
    await send(ud(new Date(at), null, [['home', ROUTER, -45]]));
    await eventually(
      async () => (await metricValue(t, 'hub_location_fixes_total{outcome="unplaced"}')) === unplaced + 1,
    );
    expect(await location()).toBeNull();
    expect((await summary()).accessPoints).toBe(0);
  });

  it('learns the routers a watch hears beside a satellite fix, never a phone’s hotspot', async () => {
    // Two fixes at the door, 20 m apart, hearing the router, the neighbour's and a hotspot.
    for (const fix of [HOME, { lat: HOME.lat + 0.00018, lon: HOME.lon }]) {
      at += 60_000;
      await send(
        ud(new Date(at), fix, [
          ['ChinaNet-home', ROUTER, -52],
          ['TP-LINK_88', NEIGHBOUR, -80],
          ['iPhone', HOTSPOT, -40],
        ]),
      );
      await placedAt(at);
    }
    const learned = await summary();
    expect(learned).toMatchObject({ accessPoints: 2, moving: 0 });
    expect(learned.updatedAt).not.toBeNull();
  });

  it('places a report without a fix near the routers it hears, with its accuracy', async () => {
    at += 60_000;
    await send(
      ud(new Date(at), null, [
        ['ChinaNet-home', ROUTER, -40],
        ['TP-LINK_88', NEIGHBOUR, -85],
      ]),
    );
    const placed = await placedAt(at);
    expect(placed.source).toBe('wifi');
    expect(placed.valid).toBe(true);
    // Where the two fixes were, within the router's reach and the 20 m the fixes were apart.
    expect(distanceMetres(placed, HOME)).toBeLessThan(25);
    expect(placed.accuracyM).toBeGreaterThanOrEqual(WIFI_RANGE_M);
    expect(placed.accuracyM).toBeLessThanOrEqual(WIFI_RANGE_M + 40);
  });

  it('marks an access point heard far from its place as moving, and no longer places by it', async () => {
    // The neighbour's "router" heard 3 km away with a fix: it travels (a hotspot with a maker's address).
    at += 60_000;
    await send(ud(new Date(at), { lat: HOME.lat + 0.027, lon: HOME.lon }, [['TP-LINK_88', NEIGHBOUR, -50]]));
    await placedAt(at);
    expect(await summary()).toMatchObject({ accessPoints: 2, moving: 1 });

    const before = await location();
    const unplaced = await metricValue(t, 'hub_location_fixes_total{outcome="unplaced"}');
    at += 60_000;
    await send(ud(new Date(at), null, [['TP-LINK_88', NEIGHBOUR, -50]]));
    await eventually(
      async () => (await metricValue(t, 'hub_location_fixes_total{outcome="unplaced"}')) === unplaced + 1,
    );
    expect(await location()).toEqual(before);

    // The home router still places the watch.
    at += 60_000;
    await send(ud(new Date(at), null, [['ChinaNet-home', ROUTER, -48]]));
    const home = await placedAt(at);
    expect(home.source).toBe('wifi');
    expect(distanceMetres(home, HOME)).toBeLessThan(25);
  });
});
