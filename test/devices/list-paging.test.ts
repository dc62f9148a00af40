/**
 * The device registry a page at a time over a real hub: with 2,000 devices, a search by the bound
 * retiree's name finds exactly their devices and says how many; pages never overlap and together
 * hold every device once; filters, a station's scope and bad paging are answered as the API says;
 * `GET /api/devices` still answers every device as a plain array.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../../server/schemas/index.ts';
import { call, startTestHub, type TestHub } from '../helpers/hub.ts';

interface RegistryPage {
  items: Device[];
  total: number;
  limit: number;
  offset: number;
}

const DEVICES = 2000;
/** The retirees the devices are bound to, round robin; the first one's name is searched for. */
const NAMES = ['欧阳青松', '李建国', '王秀英', '张德明', '陈桂兰'];

describe('GET /api/device-registry', () => {
  let t: TestHub;
  const retireeIds: string[] = [];

  beforeAll(async () => {
    t = await startTestHub();
    retireeIds.push(await t.addArchiveRetiree(NAMES[0] as string, '一站'));
    for (const name of NAMES.slice(1)) retireeIds.push(await t.addArchiveRetiree(name, '二站'));
    // Registering 2,000 devices one request at a time would take minutes: one statement does it.
    // Every seventh device is bound to a retiree, every third one is online, every tenth is a pendant.
    const rows = Array.from({ length: DEVICES }, (_, index) => ({
      id: `dev-${String(index).padStart(5, '0')}`,
      type: index % 10 === 0 ? 'pendant.sos' : 'wearable.watch',
      retiree_id: index % 7 === 0 ? retireeIds[(index / 7) % retireeIds.length] : null,
      online: index % 3 === 0,
      label: index === 1234 ? '走廊尽头 50%_电量' : '',
    }));
    await t.hub.db.query(
      `insert into devices (id, type, secret_hash, retiree_id, online, label)
       select id, type, 'x', retiree_id, online, label
         from jsonb_to_recordset($1::jsonb) as r(id text, type text, retiree_id uuid, online boolean, label text)`,
      [JSON.stringify(rows)],
    );
  }, 120_000);
  afterAll(() => t?.stop());

  const registry = (query: string, token?: string) =>
    call<RegistryPage>(t.url, 'GET', `/api/device-registry?${query}`, undefined, token ?? t.token);

  it('finds the devices of a retiree by name, with how many there are in all', async () => {
    const bound = Array.from({ length: DEVICES }, (_, index) => index).filter(
      (index) => index % 7 === 0 && (index / 7) % retireeIds.length === 0,
    );
    const answer = await registry(`q=${encodeURIComponent('欧阳')}&limit=20`);
    expect(answer.status).toBe(200);
    expect(answer.body.total).toBe(bound.length);
    expect(answer.body.items).toHaveLength(20);
    expect(answer.body.items.every((device) => device.retireeId === retireeIds[0])).toBe(true);
    // The rest on the next pages, none twice.
    const seen = new Set(answer.body.items.map((device) => device.id));
    for (let offset = 20; offset < bound.length; offset += 20) {
      const next = await registry(`q=${encodeURIComponent('欧阳')}&limit=20&offset=${offset}`);
      for (const device of next.body.items) seen.add(device.id);
    }
    expect(seen).toEqual(new Set(bound.map((index) => `dev-${String(index).padStart(5, '0')}`)));
  });

  it('pages without overlap: offline first, then by id, every device once', async () => {
    const ids: string[] = [];
    const online: boolean[] = [];
    for (let offset = 0; offset < DEVICES; offset += 300) {
      const page = await registry(`limit=300&offset=${offset}`);
      expect(page.body.total).toBe(DEVICES);
      expect(page.body.offset).toBe(offset);
      ids.push(...page.body.items.map((device) => device.id));
      online.push(...page.body.items.map((device) => device.online));
    }
    expect(ids).toHaveLength(DEVICES);
    expect(new Set(ids).size).toBe(DEVICES);
    const firstOnline = online.indexOf(true);
    expect(online.slice(firstOnline).every(Boolean)).toBe(true);
    const offline = ids.slice(0, firstOnline);
    expect(offline).toEqual([...offline].sort());
    // Past the end: no devices, the same total.
    const past = await registry(`limit=50&offset=${DEVICES}`);
    expect(past.body).toMatchObject({ items: [], total: DEVICES });
  });

  it('searches the id, the label (wildcards taken literally) and the type’s name, and filters', async () => {
    // dev-01990 … dev-01999, whatever the case typed: the offline ones first, each part by id.
    const tens = Array.from({ length: 10 }, (_, digit) => 19_90 + digit);
    const byState = [...tens.filter((index) => index % 3 !== 0), ...tens.filter((index) => index % 3 === 0)];
    expect((await registry('q=DEV-0199')).body.items.map((device) => device.id)).toEqual(
      byState.map((index) => `dev-0${index}`),
    );
    const label = await registry(`q=${encodeURIComponent('50%_')}`);
    expect(label.body.items.map((device) => device.id)).toEqual(['dev-01234']);
    expect((await registry(`q=${encodeURIComponent('%')}`)).body.total).toBe(1);
    expect((await registry(`q=${encodeURIComponent('紧急')}`)).body.total).toBe(DEVICES / 10);
    expect((await registry('type=pendant.sos&status=online')).body.total).toBe(
      Array.from({ length: DEVICES }, (_, index) => index).filter(
        (index) => index % 10 === 0 && index % 3 === 0,
      ).length,
    );
    expect((await registry('status=offline&limit=1')).body.total).toBe(DEVICES - Math.ceil(DEVICES / 3));
  });

  it("gives a station's caseworker that station's devices and the unbound ones", async () => {
    const caseworker = await t.addStaff('station-one', 'caseworker', '一站');
    const page = await registry('limit=500', caseworker.token);
    const unbound = Array.from({ length: DEVICES }, (_, index) => index).filter((index) => index % 7 !== 0);
    const mine = Array.from({ length: DEVICES }, (_, index) => index).filter(
      (index) => index % 7 === 0 && (index / 7) % retireeIds.length === 0,
    );
    expect(page.body.total).toBe(unbound.length + mine.length);
    expect(
      page.body.items.every((device) => device.retireeId === null || device.retireeId === retireeIds[0]),
    ).toBe(true);
    expect((await registry(`q=${encodeURIComponent('李建国')}`, caseworker.token)).body.total).toBe(0);
  });

  it('refuses bad paging and filters with 400, and keeps GET /api/devices a plain array of all', async () => {
    for (const query of ['limit=0', 'limit=501', 'offset=-1', 'status=broken', `q=${'x'.repeat(65)}`]) {
      expect((await registry(query)).status, query).toBe(400);
    }
    expect((await registry('limit=10')).status).toBe(200);
    const all = await t.api<Device[]>('GET', '/api/devices');
    expect(Array.isArray(all.body)).toBe(true);
    expect(all.body).toHaveLength(DEVICES);
  });
});
