/**
 * What one hub instance tells the others through a real Redis (HUB_REDIS_URL): a hub, and beside it
 * a second instance's directory and bus over the same records, as another process would have them.
 * A device registered, revoked or a retiree's limit changed through the hub's API is read again by
 * the other directory; a session ended on either side is ended on the other; nothing comes back to
 * where it started.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../devices/bus.ts';
import type { HubEventMap } from '../../devices/contract.ts';
import { closeRedis, connectRedis } from '../../server/cluster/redis.ts';
import { ClusterRelay } from '../../server/cluster/relay.ts';
import { Directory } from '../../server/devices/directory.ts';
import { DeviceRevocations } from '../../server/devices/revocations.ts';
import { DeviceStore } from '../../server/store/devices.ts';
import { RetireeStore } from '../../server/store/retirees.ts';
import { WatchCommands } from '../../server/watches/commands.ts';
import { threeGFrame } from '../../simulators/watches/frames.ts';
import { DeviceLink } from '../helpers/device-link.ts';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.ts';
import { connectLive } from '../helpers/live.ts';
import { type RedisServer, startRedis } from '../helpers/redis.ts';

const redis: RedisServer | null = await startRedis();
afterAll(async () => redis?.stop());

describe.skipIf(redis === null)('events relayed between hub instances', () => {
  let t: TestHub;
  const bus = new EventBus();
  let directory: Directory;
  let relay: ClusterRelay;
  const clients: ReturnType<typeof connectRedis>[] = [];
  const heard: { event: string; payload: unknown }[] = [];
  const heardOnHub: { event: string; payload: unknown }[] = [];

  beforeAll(async () => {
    const url = (redis as RedisServer).url;
    t = await startTestHub({ HUB_REDIS_URL: url, HUB_WATCH_3G_PORT: '0' });
    directory = new Directory(
      bus,
      new DeviceStore(t.hub.db),
      new RetireeStore(t.hub.db),
      { low: 50, high: 120, consecutive: 3 },
      new DeviceRevocations(t.hub.db),
    );
    await directory.load();
    const log = pino({ level: 'silent' });
    const [publish, subscribe] = [
      connectRedis(url, 'test-publish', log),
      connectRedis(url, 'test-relay', log),
    ];
    clients.push(publish, subscribe);
    relay = new ClusterRelay({ publish, subscribe, channel: 'junxiu-hub:relay', bus, directory, log });
    await relay.start();
    for (const event of ['session.ended', 'device.revoked'] as const) {
      bus.on(event, 'test', (payload) => {
        heard.push({ event, payload });
      });
      t.hub.bus.on(event, 'test', (payload) => {
        heardOnHub.push({ event, payload });
      });
    }
  });
  afterAll(async () => {
    await relay?.stop();
    for (const client of clients) await closeRedis(client);
    await t?.stop();
  });

  it('has the other instance read a device registered here, and its revocation', async () => {
    const retiree = await t.addRetiree();
    const created = await t.addDevice('pendant.sos', retiree.id);
    const id = created.device.id;
    await eventually(() => directory.lookup(id)?.retireeId === retiree.id);

    expect((await t.api('POST', `/api/devices/${id}/revoke`, { reason: '遗失' })).status).toBe(200);
    await eventually(() => directory.isRevoked(id));
    await eventually(() =>
      heard.some(
        ({ event, payload }) =>
          event === 'device.revoked' && (payload as HubEventMap['device.revoked']).deviceId === id,
      ),
    );
    expect(directory.lookup(id)).toBeUndefined();
    // Told once on the hub: its own event did not come back to it.
    expect(heardOnHub.filter(({ event }) => event === 'device.revoked')).toHaveLength(1);
  });

  it("has the other instance read a retiree's new heart-rate limit", async () => {
    const retiree = await t.addRetiree();
    const created = await t.addDevice('wearable.watch', retiree.id);
    await eventually(() => directory.lookup(created.device.id) !== undefined);
    expect(directory.heartRateLimits(created.device.id).high).toBe(120);
    expect((await t.api('PATCH', `/api/retirees/${retiree.id}`, { hrHigh: 105 })).status).toBe(200);
    await eventually(() => directory.heartRateLimits(created.device.id).high === 105);
  });

  it('has the instance a watch is linked to send a command stored on another', async () => {
    const retiree = await t.addRetiree();
    const id = '4700186777';
    await t.addDevice('watch.3g', retiree.id, id);
    const watch = await DeviceLink.open(t.hub.watchPorts['3g']);
    watch.send(threeGFrame(id, 'LK,0,10,100'));
    await watch.answered(`[3G*${id}*0002*LK]`);
    await eventually(() => directory.lookup(id) !== undefined);
    // The other instance's commands: the watch is not linked there.
    const elsewhere = new WatchCommands({
      db: t.hub.db,
      bus,
      link: { send: () => ({ sent: false, reason: 'away' }) },
      directory,
      dutyPhone: '028-8888 1234',
      log: { info: () => {}, error: () => {} },
    });
    const stored = await elsewhere.request(
      { id, type: 'watch.3g', retireeId: retiree.id },
      { kind: 'locate' },
      { userId: null },
    );
    expect(stored.status).toBe('queued');
    await watch.answered(`[3G*${id}*0002*CR]`);
    await eventually(async () => (await elsewhere.byId(stored.id))?.status === 'sent');
    watch.end();
  });

  it('ends a session on the hub when another instance ends it, and the other way round', async () => {
    const staff = await t.addStaff('relay-desk', 'operator');
    const socket = await connectLive(t.url, staff.token);
    const closed = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    // Another instance's sign-out of this account: the hub's socket goes now (its records still
    // hold the session, so nothing else would drop it).
    bus.emit('session.ended', { userId: staff.id });
    await closed;
    expect((await t.api('GET', '/api/auth/me', undefined, staff.token)).status).toBe(200);

    const before = heard.filter(({ event }) => event === 'session.ended').length;
    expect((await t.api('POST', '/api/auth/logout', undefined, staff.token)).status).toBe(204);
    await eventually(() => heard.filter(({ event }) => event === 'session.ended').length > before);
  });
});
