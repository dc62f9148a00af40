/**
 * Devices linked to an instance (a watch's TCP connection): a connection closing late on an
 * instance the device has left does not mark it offline, an instance starting leaves the devices
 * of the live ones alone, and the devices of an instance that died are marked offline by the
 * holder of the jobs' lease. On PGlite and on a PostgreSQL server.
 */
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { EventBus } from '../../devices/bus.ts';
import type { HubEventMap } from '../../devices/contract.ts';
import { GoneLinks } from '../../server/cluster/links.ts';
import { DeviceStore } from '../../server/store/devices.ts';
import { describeOnEngines } from '../helpers/engines.ts';
import { explaining } from '../helpers/plans.ts';

await describeOnEngines((db) => {
  const instance = async (quietMs = 0) => {
    const id = randomUUID();
    await db.query(
      `insert into hub_instances (id, host, pid, broker, redis, seen_at)
       values ($1, 'ward-server', 4242, 'external', true, now() - $2 * interval '1 millisecond')`,
      [id, quietMs],
    );
    return id;
  };
  /** The sweep of gone links over `devices`, and what it told the bus. */
  const sweeper = (devices: DeviceStore) => {
    const bus = new EventBus();
    const told: HubEventMap['device.status'][] = [];
    bus.on('device.status', 'test', (status) => {
      told.push(status);
    });
    const links = new GoneLinks({
      devices,
      bus,
      staleMs: 15_000,
      onError: (error) => expect(error).toBeUndefined(),
    });
    return { links, told };
  };
  const watch = async (devices: DeviceStore) => {
    const id = `w-${randomUUID().slice(0, 8)}`;
    await devices.create({ id, type: 'watch.3g', secretHash: 'h' });
    return id;
  };

  it('counts a closing connection only on the instance the device is linked to', async () => {
    const devices = new DeviceStore(db);
    const [a, b] = [await instance(), await instance()];
    const id = await watch(devices);
    const at = Date.now();
    await devices.setStatus(id, { online: true, at: new Date(at), linkedTo: a });
    // It connected to b; a notices its old connection closed only afterwards.
    await devices.setStatus(id, { online: true, at: new Date(at + 1000), linkedTo: b });
    await devices.setStatus(id, { online: false, at: new Date(at + 2000), linkedTo: a });
    expect(await devices.byId(id)).toMatchObject({ online: true });
    await devices.setStatus(id, { online: false, at: new Date(at + 3000), linkedTo: b });
    expect(await devices.byId(id)).toMatchObject({ online: false });
  });

  it('leaves the watches of live instances online when an instance starts', async () => {
    const devices = new DeviceStore(db);
    const live = await instance();
    const [kept, orphan, mqtt] = [
      await watch(devices),
      await watch(devices),
      `p-${randomUUID().slice(0, 8)}`,
    ];
    await devices.create({ id: mqtt, type: 'pendant.sos', secretHash: 'h' });
    await devices.setStatus(kept, { online: true, at: new Date(), linkedTo: live });
    await devices.setStatus(orphan, { online: true, at: new Date(), linkedTo: randomUUID() });
    await devices.setStatus(mqtt, { online: true, at: new Date() });
    await devices.markOfflineAtStart(['watch.3g']);
    expect(await devices.byId(kept)).toMatchObject({ online: true });
    expect(await devices.byId(orphan)).toMatchObject({ online: false });
    // On an external broker: connected to the broker, not to an instance.
    expect(await devices.byId(mqtt)).toMatchObject({ online: true });
  });

  it('marks offline the devices of an instance gone quiet, and tells the bus', async () => {
    const devices = new DeviceStore(db);
    const [live, gone] = [await instance(), await instance(60_000)];
    const [here, there] = [await watch(devices), await watch(devices)];
    await devices.setStatus(here, { online: true, at: new Date(), linkedTo: live });
    await devices.setStatus(there, { online: true, at: new Date(), linkedTo: gone });
    const { links, told } = sweeper(devices);
    expect(await links.sweep()).toEqual([there]);
    expect(told).toMatchObject([{ deviceId: there, online: false, source: 'connection' }]);
    expect(await devices.byId(there)).toMatchObject({ online: false });
    expect(await devices.byId(here)).toMatchObject({ online: true });
    expect(await links.sweep()).toEqual([]);
  });

  it('finds the devices of every gone instance among many connected, those of a deleted instance too', async () => {
    const devices = new DeviceStore(db);
    const [live, quiet, deleted] = [await instance(), await instance(60_000), await instance()];
    await db.query(
      `insert into devices (id, type, secret_hash, online, linked_to)
       select 'many-' || n, 'watch.3g', 'h', true, case n % 3 when 0 then $1 when 1 then $2 else $3 end::uuid
         from generate_series(1, 300) n`,
      [live, quiet, deleted],
    );
    try {
      await db.query('delete from hub_instances where id = $1', [deleted]);
      const { links, told } = sweeper(devices);
      const gone = await links.sweep();
      expect(gone.filter((id) => id.startsWith('many-'))).toHaveLength(200);
      expect(told.filter((status) => status.deviceId.startsWith('many-'))).toHaveLength(200);
      const left = await db.query<{ linked_to: string }>(
        `select distinct linked_to from devices where id like 'many-%' and online`,
      );
      expect(left).toEqual([{ linked_to: live }]);
      expect(await links.sweep()).toEqual([]);
    } finally {
      await db.query(`delete from devices where id like 'many-%'`);
    }
  });

  it('looks for them through the instances devices are linked to, not by reading every device', async () => {
    const live = await instance();
    await db.query(
      `insert into devices (id, type, secret_hash, online, linked_to)
       select 'idx-' || n, 'watch.3g', 'h', true, $1 from generate_series(1, 3000) n`,
      [live],
    );
    try {
      const { db: planned, plans } = explaining(db);
      await new DeviceStore(planned).unlinkGone(15_000);
      expect(plans[0]).toContain('devices_linked_to');
      expect(plans[0]).not.toContain('Seq Scan on devices');
    } finally {
      await db.query(`delete from devices where id like 'idx-%'`);
    }
  });

  it('puts online again the devices still connected to an instance back from standing still', async () => {
    const devices = new DeviceStore(db);
    const other = await instance();
    const [swept, elsewhere, revoked] = [await watch(devices), await watch(devices), await watch(devices)];
    await devices.setStatus(elsewhere, { online: true, at: new Date(), linkedTo: other });
    await db.query('update devices set revoked_at = now() where id = $1', [revoked]);
    const { links, told } = sweeper(devices);
    // Still connected here: `swept` (marked offline meanwhile), `elsewhere` (linked to another
    // instance since), `revoked`.
    expect(await links.reclaim([swept, elsewhere, revoked])).toEqual([swept]);
    expect(told).toMatchObject([{ deviceId: swept, online: true, source: 'connection' }]);
    expect(await links.reclaim([])).toEqual([]);
  });
});
