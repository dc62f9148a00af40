/**
 * Where a retiree is and when they wander, over a whole hub: a 3G watch over real TCP sends its
 * position reports (UD) and a blood pressure (BPHRT); the latest fix, the blood pressure and the
 * safe zone are read through the API; leaving the zone opens one `wander` alert with the latest
 * fixes, more fixes outside open no other, and coming back is a step on that alert.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BloodPressureAnswer, LocationAnswer, SafeZoneRecord } from '../../server/location/schemas.ts';
import type { Alert, AlertStep } from '../../server/schemas/index.ts';
import { addStations, eventually, metricValue } from '../helpers/hub.ts';
import { pdfTools } from '../helpers/pdf.ts';
import { suiteHub } from '../helpers/suite.ts';

const { pdftotext, font } = pdfTools('the location suite');

const WATCH = '4700186531';
/** Home: a courtyard in Chengdu. */
const HOME = { lat: 30.657, lon: 104.066 };
const PER_METRE = 1 / 111_195;

/** A 3G frame as watches send it: `[3G*ID*LEN*CONTENT]`, LEN the content's length in hex. */
function threeG(content: string): string {
  return `[3G*${WATCH}*${content.length.toString(16).toUpperCase().padStart(4, '0')}*${content}]`;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** A UD position report at `at` (UTC), `metresNorth` of home; `A` a valid fix, `V` not. */
function ud(at: Date, metresNorth: number, fix: 'A' | 'V' = 'A'): string {
  const day = `${pad(at.getUTCDate())}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCFullYear() % 100)}`;
  const time = `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
  const lat = (HOME.lat + metresNorth * PER_METRE).toFixed(6);
  return threeG(
    `UD,${day},${time},${fix},${lat},N,${HOME.lon.toFixed(6)},E,0.5,000,500,08,80,70,1000,50,00000000,0,0,460,0,9520,3671,139,,00`,
  );
}

describe('location and wandering over a real hub', () => {
  const t = suiteHub({ HUB_WATCH_3G_PORT: '0' });
  let socket: net.Socket;
  let retireeId: string;
  /** The watch's clock: each report a minute after the last, ending before now. */
  let at = Math.floor(Date.now() / 1000) * 1000 - 60 * 60_000;
  const report = (metresNorth: number, fix: 'A' | 'V' = 'A') => {
    at += 60_000;
    socket.write(ud(new Date(at), metresNorth, fix));
    return new Date(at).toISOString().replace(/\.\d{3}Z$/, '.000Z');
  };
  const location = async () =>
    (await t.api<LocationAnswer>('GET', `/api/retirees/${retireeId}/location`)).body.location;
  const wanders = async () =>
    (await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retireeId}`)).body.filter(
      (alert) => alert.kind === 'wander',
    );

  it('keeps the latest fix of a watch, with its source, validity and an Amap link in GCJ-02', async () => {
    retireeId = (await t.addRetiree()).id;
    await t.addDevice('watch.3g', retireeId, WATCH);
    socket = net.connect(t.hub.watchPorts['3g'], '127.0.0.1');
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const fixedAt = report(20);
    await eventually(async () => (await location())?.fixedAt === fixedAt);
    const latest = await location();
    expect(latest).toMatchObject({ deviceId: WATCH, valid: true, source: 'gps' });
    expect(latest?.lat).toBeCloseTo(HOME.lat + 20 * PER_METRE, 5);
    expect(latest?.lon).toBeCloseTo(HOME.lon, 5);
    // GCJ-02 is shifted from WGS-84 in China, and the link carries the shifted point.
    expect(Math.abs((latest?.gcj02.lon ?? 0) - HOME.lon)).toBeGreaterThan(0.001);
    expect(latest?.mapUrl).toContain(
      `position=${latest?.gcj02.lon.toFixed(6)},${latest?.gcj02.lat.toFixed(6)}`,
    );
  });

  it('keeps an invalid fix too, saying so', async () => {
    const fixedAt = report(25, 'V');
    await eventually(async () => (await location())?.fixedAt === fixedAt);
    expect((await location())?.valid).toBe(false);
  });

  it('takes a report without a fix (zeros) for no place: the last real one stays', async () => {
    // The zeros come stamped later than the real fix after them; kept, they would hide it.
    at += 120_000;
    const zeros = ud(new Date(at), 0, 'V').replace(/,V,[0-9.]+,N,[0-9.]+,E,/, ',V,0.000000,N,0.000000,E,');
    socket.write(zeros);
    const fixedAt = new Date(at - 60_000).toISOString();
    socket.write(ud(new Date(at - 60_000), 22));
    await eventually(async () => (await location())?.fixedAt === fixedAt);
    expect((await location())?.lat).toBeGreaterThan(30);
  });

  it.skipIf(!pdftotext || !font)('prints the latest fix on the rescue card', async () => {
    const response = await fetch(`${t.url}/api/retirees/${retireeId}/rescue-card.pdf`, {
      headers: { authorization: `Bearer ${t.token}` },
    });
    expect(response.status).toBe(200);
    const file = path.join(t.dataDir.path, 'card.pdf');
    await writeFile(file, Buffer.from(await response.arrayBuffer()));
    const text = execFileSync(pdftotext as string, ['-enc', 'UTF-8', file, '-']).toString();
    const latest = await location();
    expect(text).toContain('最新定位');
    // The card's width wraps the line: each part is looked for on its own.
    expect(text).toContain(`${latest?.lat.toFixed(6)}, ${latest?.lon.toFixed(6)}`);
    expect(text).toContain('WGS-84');
    expect(text).toContain('GPS（有效）');
  });

  it('stores the blood pressure the watch measured and shows it', async () => {
    socket.write(threeG('BPHRT,128,82,71'));
    await eventually(async () => {
      const { body } = await t.api<BloodPressureAnswer>('GET', `/api/retirees/${retireeId}/blood-pressure`);
      return body.readings[0]?.systolic === 128 && body.readings[0]?.diastolic === 82;
    });
  });

  it('refuses a safe zone without a radius, then sets one', async () => {
    const refused = await t.api('PUT', `/api/retirees/${retireeId}/safe-zone`, {
      lat: HOME.lat,
      lon: HOME.lon,
    });
    expect(refused.status).toBe(400);
    const set = await t.api<SafeZoneRecord>('PUT', `/api/retirees/${retireeId}/safe-zone`, {
      ...HOME,
      radiusM: 200,
      reason: '认知障碍',
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ radiusM: 200, state: 'inside', reason: '认知障碍' });
  });

  it('opens one wander alert at the second fix outside, with the latest fixes, and no other for more', async () => {
    report(50);
    const first = report(600);
    await eventually(async () => (await location())?.fixedAt === first);
    // One fix outside may be GPS jitter: no alert yet.
    expect(await wanders()).toHaveLength(0);
    report(650);
    await eventually(async () => (await wanders()).length === 1);
    const last = report(700);
    await eventually(async () => (await location())?.fixedAt === last);
    await eventually(async () => {
      const zone = (await t.api<{ zone: SafeZoneRecord }>('GET', `/api/retirees/${retireeId}/safe-zone`)).body
        .zone;
      return zone?.lastFixAt === last;
    });
    const alerts = await wanders();
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert?.status).toBe('open');
    const positions = alert?.detail.positions as { distanceM: number; mapUrl: string; valid: boolean }[];
    expect(positions.at(-1)?.distanceM).toBeGreaterThan(600);
    expect(positions.at(-1)?.mapUrl).toContain('uri.amap.com');
    expect(alert?.detail.zone).toMatchObject({ radiusM: 200 });
  });

  it('notes the return on the alert, and the zone is inside again', async () => {
    const [alert] = await wanders();
    report(30);
    await eventually(async () => {
      const steps = (await t.api<AlertStep[]>('GET', `/api/alerts/${alert?.id}/steps`)).body;
      return steps.some((step) => step.action === 'returned');
    });
    const zone = (await t.api<{ zone: SafeZoneRecord }>('GET', `/api/retirees/${retireeId}/safe-zone`)).body
      .zone;
    expect(zone?.state).toBe('inside');
    expect(await wanders()).toHaveLength(1);
    expect(await metricValue(t, 'hub_location_fixes_total{outcome="kept"}')).toBeGreaterThanOrEqual(7);
    socket.destroy();
  });

  it("keeps a station's caseworker to its own retirees' places and zones", async () => {
    const { east, west, stationCaseworker } = await addStations(t, 'location-east');
    for (const path of ['location', 'safe-zone', 'blood-pressure']) {
      expect(
        (await t.api('GET', `/api/retirees/${east.id}/${path}`, undefined, stationCaseworker.token)).status,
      ).toBe(200);
      expect(
        (await t.api('GET', `/api/retirees/${west.id}/${path}`, undefined, stationCaseworker.token)).status,
      ).toBe(404);
    }
  });
});
