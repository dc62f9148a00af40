/**
 * A watch indoors, without satellites, placed by the cell towers it hears: the centre imports an
 * OpenCelliD export (plain or gzipped, as OpenCelliD hands it out), a report without a fix that
 * lists towers becomes a `cell` place with its accuracy, and one that lists no known tower leaves
 * the latest place as it was. A file that is no export is refused and changes nothing.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENCELLID_HEADER, parseTowerLine } from '../../server/location/cells.ts';
import { distanceMetres } from '../../server/location/geo.ts';
import type { LocationAnswer } from '../../server/location/schemas.ts';
import { callBytes, eventually, metricValue, startTestHub, type TestHub } from '../helpers/hub.ts';
import { sendThreeG, udFrame } from '../helpers/threeg.ts';

const WATCH = '4700186599';
const updated = Math.floor(Date.UTC(2026, 5, 1) / 1000);
/** Two China Mobile cells in Chengdu, a third one 2 km east, and one in another network. */
const TOWERS = [
  `LTE,460,0,9520,3671,0,104.066000,30.657000,500,12,1,1500000000,${updated},0`,
  `LTE,460,0,9520,3672,0,104.070000,30.657000,500,8,1,1500000000,${updated},0`,
  `GSM,460,0,9520,4000,0,104.087000,30.657000,3000,3,1,1500000000,${updated},0`,
  `LTE,460,1,33,77,0,104.100000,30.700000,800,5,1,1500000000,${updated},0`,
];

function csv(lines: string[]): string {
  return `${OPENCELLID_HEADER},averageSignal\n${lines.join('\n')}\n`;
}

/** A UD report without a fix ("V", zeros) listing the towers heard: LAC, CID, signal each. */
function udWithoutFix(at: Date, cells: [number, number][]): string {
  const listed = cells.map(([lac, cid]) => `${lac},${cid},60`).join(',');
  return udFrame(WATCH, at, null, `${cells.length},1,460,0,${listed},0`);
}

describe('cell tower lines', () => {
  it('reads an OpenCelliD line, and says why a line is none', () => {
    const tower = parseTowerLine(TOWERS[0] as string);
    expect(tower).toMatchObject({
      radio: 'LTE',
      mcc: 460,
      mnc: 0,
      lac: 9520,
      cid: 3671,
      lat: 30.657,
      rangeM: 500,
    });
    // An NR cell id is wider than 32 bits.
    expect(parseTowerLine(`NR,460,0,1,68719476735,0,104.0,30.6,100,1,1,1,${updated},0`)).toMatchObject({
      cid: 68719476735,
    });
    expect(parseTowerLine('WIFI,460,0,1,2,0,104,30,1,1,1,1,1,0')).toContain('unknown radio');
    expect(parseTowerLine(`LTE,460,0,1,2,0,104.0,91.0,1,1,1,1,${updated},0`)).toContain('degrees');
    expect(parseTowerLine(`LTE,460,x,1,2,0,104.0,30.0,1,1,1,1,${updated},0`)).toContain('whole numbers');
    expect(parseTowerLine('LTE,460,0')).toContain('columns');
  });
});

describe('placing a watch by its towers', () => {
  let t: TestHub;
  let retireeId = '';
  let at = Math.floor(Date.now() / 1000) * 1000 - 60 * 60_000;

  beforeAll(async () => {
    t = await startTestHub({ HUB_WATCH_3G_PORT: '0' });
    retireeId = (await t.addRetiree()).id;
    await t.addDevice('watch.3g', retireeId, WATCH);
  });
  afterAll(() => t?.stop());

  interface Imported {
    read: number;
    imported: number;
    skipped: number;
    problems: { line: number; reason: string }[];
  }
  async function importTowers(body: string | Buffer, contentType = 'text/csv', token?: string) {
    const answer = await callBytes(
      t.url,
      'PUT',
      '/api/location/cell-towers',
      Buffer.from(body),
      contentType,
      token ?? t.token,
    );
    return { status: answer.status, body: answer.json as Imported };
  }

  const summary = async () =>
    (
      await t.api<{ towers: number; networks: { mcc: number; mnc: number; towers: number }[] }>(
        'GET',
        '/api/location/cell-towers',
      )
    ).body;

  const send = (report: string) => sendThreeG(t.hub.watchPorts['3g'], WATCH, report);

  const location = async () =>
    (await t.api<LocationAnswer>('GET', `/api/retirees/${retireeId}/location`)).body.location;

  it('refuses a file that is no export and changes nothing', async () => {
    const garbage = await importTowers('name,phone\n张三,13800000000\n');
    expect(garbage.status).toBe(400);
    expect(JSON.stringify(garbage.body)).toContain('OpenCelliD');
    const headerOnly = await importTowers(csv([]));
    expect(headerOnly.status).toBe(400);
    const notGzip = await importTowers(csv(TOWERS), 'application/gzip');
    expect(notGzip.status).toBe(400);
    expect((await importTowers(JSON.stringify({ towers: TOWERS }), 'application/json')).status).toBe(415);
    expect((await summary()).towers).toBe(0);
    const staff = await t.addStaff('tower-operator', 'operator');
    expect((await importTowers(csv(TOWERS), 'text/csv', staff.token)).status).toBe(403);
  });

  it('imports an export, skipping the lines that are no tower, and keeps the newer of a tower', async () => {
    const first = await importTowers(csv([...TOWERS, 'LTE,460,0,9520', '']));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ read: 4, imported: 4, skipped: 1 });
    expect(first.body.problems).toEqual([{ line: 6, reason: expect.stringContaining('columns') }]);
    expect((await summary()).networks).toEqual([
      { mcc: 460, mnc: 0, towers: 3 },
      { mcc: 460, mnc: 1, towers: 1 },
    ]);

    // The same file again, gzipped: nothing is newer, nothing changes.
    const again = await importTowers(gzipSync(csv(TOWERS)), 'application/gzip');
    expect(again.body).toMatchObject({ read: 4, imported: 0, skipped: 0 });
    // A newer measurement of one tower moves it; an older one does not.
    const moved = `LTE,460,0,9520,3672,0,104.068000,30.657000,400,9,1,1500000000,${updated + 86_400},0`;
    const older = `LTE,460,0,9520,3671,0,105.000000,31.000000,400,9,1,1500000000,${updated - 86_400},0`;
    expect((await importTowers(csv([moved, older]))).body).toMatchObject({ read: 2, imported: 1 });
    expect((await summary()).towers).toBe(4);
  });

  it('places a report without a fix near the towers it hears, with its accuracy', async () => {
    at += 60_000;
    await send(
      udWithoutFix(new Date(at), [
        [9520, 3671],
        [9520, 3672],
      ]),
    );
    const placed = await eventually(async () => {
      const latest = await location();
      return latest?.fixedAt === new Date(at).toISOString() ? latest : undefined;
    });
    expect(placed.source).toBe('cell');
    expect(placed.valid).toBe(true);
    // Between the two towers (the second one moved to 104.068), nearer the serving one, listed first.
    expect(placed.lat).toBeCloseTo(30.657, 5);
    expect(placed.lon).toBeGreaterThan(104.066);
    expect(placed.lon).toBeLessThan(104.067);
    // Within range of both towers: no further off than the nearer bound of the two.
    const serving = distanceMetres(placed, { lat: 30.657, lon: 104.066 }) + 500;
    const second = distanceMetres(placed, { lat: 30.657, lon: 104.068 }) + 400;
    expect(placed.accuracyM).toBe(Math.round(Math.min(serving, second)));
  });

  it('leaves the latest place when no tower heard is known', async () => {
    const before = await location();
    const unplaced = await metricValue(t, 'hub_location_fixes_total{outcome="unplaced"}');
    at += 60_000;
    await send(udWithoutFix(new Date(at), [[1, 2]]));
    await eventually(
      async () => (await metricValue(t, 'hub_location_fixes_total{outcome="unplaced"}')) === unplaced + 1,
    );
    expect(await location()).toEqual(before);
  });
});
