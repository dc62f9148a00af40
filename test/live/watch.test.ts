/**
 * Readings go where they are shown: a dashboard names the retirees and devices on its screen
 * (`watch`) and receives their readings alone, starting with the newest seen of what it did not
 * watch before. Two sockets on the same screen both receive them; a new request replaces the last;
 * a malformed or oversize one is refused with its reason, changes nothing and is counted in
 * /metrics; a station's caseworker gets its station's alone; a family account gets none.
 */
import type { MqttClient } from 'mqtt';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadingUpdate, Retiree } from '../../server/schemas/index.ts';
import { eventually, metricValue, publish } from '../helpers/hub.ts';
import { connectLive, type Live, watchLive } from '../helpers/live.ts';
import { suiteHub } from '../helpers/suite.ts';

/** Every reading a socket received, in order. */
function collect(socket: Live): ReadingUpdate[] {
  const got: ReadingUpdate[] = [];
  socket.on('readings', (batch) => got.push(...batch));
  return got;
}

describe('the live readings a dashboard watches', () => {
  const t = suiteHub({ HUB_LIVE_READINGS_MS: '100' });
  const sockets: Live[] = [];
  const clients: MqttClient[] = [];
  let alice: Retiree;
  let bob: Retiree;
  /** Alice's watch, Bob's watch, and a watch bound to nobody. */
  const ids = { alice: '', bob: '', loose: '' };

  async function open(token = t.token): Promise<Live> {
    const socket = await connectLive(t.url, token);
    sockets.push(socket);
    return socket;
  }

  /** One heart rate from each device, in the same batch. */
  async function speakAll(hr: number): Promise<void> {
    await Promise.all(
      Object.values(ids).map((id, index) =>
        publish(clients[index] as MqttClient, `eldercare/v1/${id}/telemetry`, { hr }),
      ),
    );
  }

  const heard = (got: ReadingUpdate[], id: string, hr: number) =>
    got.some((update) => update.deviceId === id && update.readings.hr === hr);

  beforeAll(async () => {
    alice = await t.addRetiree();
    bob = await t.addRetiree();
    for (const [key, retireeId] of [
      ['alice', alice.id],
      ['bob', bob.id],
      ['loose', null],
    ] as const) {
      const device = await t.addDevice('wearable.watch', retireeId);
      ids[key] = device.device.id;
      clients.push(await t.connectDevice(device));
    }
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all(clients.map((client) => client.endAsync()));
  });

  it('sends nothing before a screen asks, then the readings of its retirees and devices alone', async () => {
    const idle = await open();
    const idleGot = collect(idle);
    const wall = await open();
    const got = collect(wall);
    expect(await watchLive(wall, { retirees: [alice.id], devices: [ids.loose] })).toStrictEqual({
      ok: true,
      retirees: 1,
      devices: 1,
    });
    await speakAll(61);
    await eventually(() => (heard(got, ids.alice, 61) && heard(got, ids.loose, 61)) || undefined);
    expect(got.find((update) => update.deviceId === ids.alice)).toMatchObject({
      retireeId: alice.id,
      readings: { hr: 61 },
    });
    expect(got.some((update) => update.deviceId === ids.bob)).toBe(false);
    // The idle socket is connected, and was sent nothing of the same batch.
    expect(idle.connected).toBe(true);
    expect(idleGot).toStrictEqual([]);
  });

  it('gives two dashboards on the same screen the same readings, and a new request replaces the last', async () => {
    const first = await open();
    const second = await open();
    const [firstGot, secondGot] = [collect(first), collect(second)];
    for (const socket of [first, second]) await watchLive(socket, { retirees: [alice.id, bob.id] });
    await speakAll(62);
    for (const got of [firstGot, secondGot])
      await eventually(() => (heard(got, ids.alice, 62) && heard(got, ids.bob, 62)) || undefined);

    // The second turns to another page: Bob alone.
    expect(await watchLive(second, { retirees: [bob.id] })).toMatchObject({ ok: true, retirees: 1 });
    secondGot.length = 0;
    await speakAll(63);
    await eventually(() => heard(firstGot, ids.alice, 63) || undefined);
    await eventually(() => heard(secondGot, ids.bob, 63) || undefined);
    expect(secondGot.map((update) => update.deviceId)).toStrictEqual([ids.bob]);

    // Empty lists: nothing more.
    expect(await watchLive(second, {})).toStrictEqual({ ok: true, retirees: 0, devices: 0 });
    secondGot.length = 0;
    await speakAll(64);
    await eventually(() => heard(firstGot, ids.bob, 64) || undefined);
    expect(secondGot).toStrictEqual([]);
  });

  it('refuses a malformed or oversize request with its reason, counts it and keeps the last one', async () => {
    const wall = await open();
    const got = collect(wall);
    await watchLive(wall, { retirees: [bob.id] });
    const untyped = wall as unknown as Socket;
    const before = {
      malformed: await metricValue(t, 'hub_live_watch_refused_total{reason="malformed"}'),
      tooMany: await metricValue(t, 'hub_live_watch_refused_total{reason="too_many"}'),
    };
    const answers = [
      await untyped.emitWithAck('watch', 'everyone'),
      await untyped.emitWithAck('watch', { retirees: bob.id }),
      await untyped.emitWithAck('watch', { retirees: [bob.id, 7] }),
      await untyped.emitWithAck('watch', { devices: ['x'.repeat(129)] }),
      await untyped.emitWithAck('watch', { retirees: Array.from({ length: 5_001 }, (_, n) => `r-${n}`) }),
    ];
    expect(answers).toStrictEqual([
      { ok: false, error: 'watch takes { retirees: string[], devices: string[] }' },
      { ok: false, error: 'retirees must be a list of ids of 1 to 128 characters' },
      { ok: false, error: 'retirees must be a list of ids of 1 to 128 characters' },
      { ok: false, error: 'devices must be a list of ids of 1 to 128 characters' },
      { ok: false, error: 'at most 5000 retirees' },
    ]);
    expect(await metricValue(t, 'hub_live_watch_refused_total{reason="malformed"}')).toBe(
      before.malformed + 4,
    );
    expect(await metricValue(t, 'hub_live_watch_refused_total{reason="too_many"}')).toBe(before.tooMany + 1);
    // Events it does not know are refused too, and the socket carries on.
    untyped.emit('join', 'staff');
    // Still watching Bob, and only Bob.
    await speakAll(65);
    await eventually(() => heard(got, ids.bob, 65) || undefined);
    expect(got.every((update) => update.deviceId === ids.bob)).toBe(true);
    expect(wall.connected).toBe(true);
  });

  it('sends a family account no readings, whatever it asks', async () => {
    const family = await open(await t.addFamily(alice, 'watch.family'));
    const got = collect(family);
    const before = await metricValue(t, 'hub_live_watch_refused_total{reason="family"}');
    expect(await watchLive(family, { retirees: [alice.id] })).toStrictEqual({
      ok: false,
      error: "a family account follows its relative's alerts, not readings",
    });
    expect(await metricValue(t, 'hub_live_watch_refused_total{reason="family"}')).toBe(before + 1);
    // A staff screen watching Alice gets the batch the family socket does not.
    const staff = await open();
    const staffGot = collect(staff);
    await watchLive(staff, { retirees: [alice.id] });
    await speakAll(66);
    await eventually(() => heard(staffGot, ids.alice, 66) || undefined);
    expect(got).toStrictEqual([]);
  });

  it('sends a screen that begins to show a device its newest readings at once, and only what it added', async () => {
    // A witness watching every device: once it has heard them all, the batch has gone out.
    const witness = await open();
    const witnessed = collect(witness);
    await watchLive(witness, { devices: Object.values(ids) });
    await speakAll(67);
    await eventually(() => Object.values(ids).every((id) => heard(witnessed, id, 67)) || undefined);
    const wall = await open();
    const got = collect(wall);
    await watchLive(wall, { devices: [ids.loose] });
    // Nothing spoke since it asked.
    await eventually(() => heard(got, ids.loose, 67) || undefined);
    expect(got).toHaveLength(1);
    expect(got[0]?.readings).toMatchObject({ hr: 67 });
    // Adding Alice: hers come, the device it watched already does not come again.
    await watchLive(wall, { devices: [ids.loose], retirees: [alice.id] });
    await eventually(() => heard(got, ids.alice, 67) || undefined);
    expect(got.map((update) => update.deviceId)).toStrictEqual([ids.loose, ids.alice]);
  });

  it("gives a station's caseworker its station's readings alone, from the first", async () => {
    for (const [retiree, station] of [
      [alice, '一站'],
      [bob, '二站'],
    ] as const) {
      const placed = await t.api('PATCH', `/api/archive/retirees/${retiree.id}`, { station, rank: '团级' });
      expect(placed.status).toBe(200);
    }
    const caseworker = await open((await t.addStaff('watch.caseworker', 'caseworker', '一站')).token);
    const got = collect(caseworker);
    // It asks for both, and for the device bound to nobody.
    expect(await watchLive(caseworker, { retirees: [alice.id, bob.id], devices: [ids.loose] })).toMatchObject(
      {
        ok: true,
      },
    );
    await eventually(() => heard(got, ids.alice, 67) || undefined);
    await speakAll(68);
    await eventually(() => heard(got, ids.alice, 68) || undefined);
    expect(new Set(got.map((update) => update.deviceId))).toStrictEqual(new Set([ids.alice]));
  });
});
