/**
 * The broker's SQLite store: aedes-persistence's own conformance suite, and what a restart keeps —
 * through the store itself and through a real aedes broker with a device over TCP.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BoundedMemoryStore,
  INCOMING_WINDOW_FULL,
  openBrokerStore,
  type SqliteBrokerStore,
} from '../../gateway/broker/persistence/index.ts';
import type { BrokerPacket } from '../../gateway/broker/persistence/memory.ts';
import { eventually } from '../helpers/hub.ts';
import { makeTempDir, type TempDir } from '../helpers/tmp.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<TempDir> {
  const dir = await makeTempDir('broker-store-');
  cleanups.push(() => dir.remove());
  return dir;
}

/** A store opened and set up the way aedes does it, with a stand-in broker. */
async function open(path: string, options: Parameters<typeof openBrokerStore>[1] = {}, counter = 0) {
  const store = openBrokerStore(path, { previousRunWillsAfterMs: null, ...options });
  const broker = { id: 'junxiu-hub', counter };
  await store.setup(broker);
  return { store, broker };
}

/** What the store would deliver to client `id` on its return. */
async function queuedFor(store: SqliteBrokerStore, id: string): Promise<BrokerPacket[]> {
  const list: BrokerPacket[] = [];
  for await (const packet of store.outgoingStream({ id })) list.push(packet as BrokerPacket);
  return list;
}

/** The will a watch leaves: its retained status says it is offline. */
const offlineWill = {
  cmd: 'publish',
  topic: 'eldercare/v1/watch-1/status',
  payload: Buffer.from('{"online":false}'),
  qos: 1,
  retain: true,
  dup: false,
} as const;

function command(counter: number, text: string): BrokerPacket {
  return {
    cmd: 'publish',
    brokerId: 'junxiu-hub',
    brokerCounter: counter,
    topic: 'eldercare/v1/watch-1/cmd',
    payload: Buffer.from(JSON.stringify({ type: 'ack', text })),
    qos: 1,
    retain: false,
    dup: false,
  };
}

describe('broker store: aedes-persistence conformance', () => {
  it("passes aedes-persistence's abstract test suite", async () => {
    const runner = join(import.meta.dirname, 'broker-store-abstract.runner.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', runner], {
      cwd: join(import.meta.dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const failures = output
      .split('\n')
      .filter((line) => line.startsWith('not ok') || /^\s+error: /.test(line))
      .join('\n');
    expect(failures).toBe('');
    expect(output).toMatch(/^# pass (\d+)$/m);
    expect(Number(/^# pass (\d+)$/m.exec(output)?.[1])).toBeGreaterThanOrEqual(50);
    expect(code).toBe(0);
  });
});

describe('broker store: what a restart keeps', () => {
  it('keeps sessions, queued deliveries, retained messages, wills and QoS 2 exchanges', async () => {
    const dir = await tempDir();
    const path = join(dir.path, 'broker.sqlite');
    const first = await open(path);
    const device = { id: 'watch-1' };
    await first.store.addSubscriptions(device, [{ topic: 'eldercare/v1/watch-1/cmd', qos: 1 }]);
    await first.store.addSubscriptions({ id: 'watch-2' }, [{ topic: 'eldercare/v1/watch-2/cmd', qos: 0 }]);
    await first.store.outgoingEnqueueCombi([{ clientId: 'watch-1' }], command(7, 'first'));
    await first.store.outgoingEnqueueCombi([{ clientId: 'watch-1' }], command(8, 'second'));
    // The first was sent (message id 3) but not acknowledged when the broker went down.
    await first.store.outgoingUpdate(device, { ...command(7, 'first'), messageId: 3 });
    const status = {
      cmd: 'publish',
      brokerId: 'junxiu-hub',
      brokerCounter: 2,
      topic: 'eldercare/v1/watch-1/status',
      payload: Buffer.from('{"online":true,"battery":80}'),
      qos: 1,
      retain: true,
      dup: false,
    };
    await first.store.storeRetained(status);
    await first.store.putWill(device, offlineWill);
    await first.store.incomingStorePacket(device, { ...command(0, 'incoming'), messageId: 42, qos: 2 });
    // No destroy(): the process ends as in a crash; every change is already in the file.

    const second = await open(path);
    expect(await second.store.subscriptionsByClient(device)).toEqual([
      { topic: 'eldercare/v1/watch-1/cmd', qos: 1, rh: undefined, rap: undefined, nl: undefined },
    ]);
    expect(await second.store.subscriptionsByTopic('eldercare/v1/watch-1/cmd')).toEqual([
      expect.objectContaining({ clientId: 'watch-1', topic: 'eldercare/v1/watch-1/cmd', qos: 1 }),
    ]);
    expect(await second.store.countOffline()).toEqual({ subsCount: 1, clientsCount: 2 });
    const queued = await queuedFor(second.store, 'watch-1');
    expect(
      queued.map((packet) => [packet.brokerCounter, packet.messageId, packet.payload.toString()]),
    ).toEqual([
      [7, 3, '{"type":"ack","text":"first"}'],
      [8, undefined, '{"type":"ack","text":"second"}'],
    ]);
    // aedes numbers packets from 0 again: the store moves it past what is queued.
    expect(second.broker.counter).toBe(8);
    const retained: BrokerPacket[] = [];
    for await (const packet of second.store.createRetainedStreamCombi(['eldercare/v1/+/status']))
      retained.push(packet as BrokerPacket);
    expect(retained).toEqual([status]);
    expect((await second.store.getWill(device))?.payload.toString()).toBe('{"online":false}');
    expect((await second.store.incomingGetPacket(device, { messageId: 42 })).qos).toBe(2);

    // Acknowledged after the restart: gone for good.
    expect((await second.store.outgoingClearMessageId(device, { messageId: 3 }))?.brokerCounter).toBe(7);
    await second.store.destroy();
    const third = await open(path);
    expect((await queuedFor(third.store, 'watch-1')).map((p) => p.brokerCounter)).toEqual([8]);
    await third.store.destroy();
  });

  it('drops the oldest delivery beyond the per-session limit, and counts it', async () => {
    const dir = await tempDir();
    const path = join(dir.path, 'broker.sqlite');
    const registry = new Registry();
    const { store } = await open(path, { maxQueuedPerClient: 3, maxRetained: 2, registry });
    for (let counter = 1; counter <= 5; counter++) {
      await store.outgoingEnqueueCombi([{ clientId: 'watch-1' }], command(counter, `n${counter}`));
    }
    expect((await queuedFor(store, 'watch-1')).map((p) => p.brokerCounter)).toEqual([3, 4, 5]);
    for (const topic of ['a/status', 'b/status', 'c/status', 'a/status']) {
      await store.storeRetained({ ...command(1, topic), topic, retain: true });
    }
    expect(store.dropped).toEqual({ queued: 2, retained: 1 });
    const metrics = await registry.metrics();
    expect(metrics).toContain('hub_broker_store_dropped_total{kind="queued"} 2');
    expect(metrics).toContain('hub_broker_store_dropped_total{kind="retained"} 1');
    expect(metrics).toContain('hub_broker_store_queued_messages 3');
    await store.destroy();
    const reopened = await open(path, { maxQueuedPerClient: 3 });
    expect((await queuedFor(reopened.store, 'watch-1')).map((p) => p.brokerCounter)).toEqual([3, 4, 5]);
    await reopened.store.destroy();
  });

  it('bounds the unfinished incoming QoS 2 exchanges per session, on disk and in memory, across a restart', async () => {
    const dir = await tempDir();
    const path = join(dir.path, 'broker.sqlite');
    const onDisk = (await open(path, { maxIncomingPerClient: 2 })).store;
    const stores = [onDisk, new BoundedMemoryStore(2)];
    const incoming = (messageId: number): BrokerPacket => ({ ...command(0, 'incoming'), qos: 2, messageId });
    const watch = { id: 'watch-1' };
    for (const store of stores) {
      await store.incomingStorePacket(watch, incoming(1));
      await store.incomingStorePacket(watch, incoming(2));
      // The same exchange again (a DUP) is no new one; a third is refused; another session has its own.
      await store.incomingStorePacket(watch, incoming(2));
      await expect(store.incomingStorePacket(watch, incoming(3))).rejects.toThrow(INCOMING_WINDOW_FULL);
      await store.incomingStorePacket({ id: 'watch-2' }, incoming(3));
      // A PUBREL frees its place.
      await store.incomingDelPacket(watch, { messageId: 1 });
      await store.incomingStorePacket(watch, incoming(3));
      await expect(store.incomingStorePacket(watch, incoming(4))).rejects.toThrow(INCOMING_WINDOW_FULL);
    }
    await onDisk.destroy();
    // The window is the session's, whichever process holds it.
    const reopened = (await open(path, { maxIncomingPerClient: 2 })).store;
    await expect(reopened.incomingStorePacket(watch, incoming(4))).rejects.toThrow(INCOMING_WINDOW_FULL);
    await reopened.cleanIncoming(watch);
    await reopened.incomingStorePacket(watch, incoming(4));
    await reopened.destroy();
  });
});

describe('broker store: wills after a crash, on a real broker', () => {
  async function startBroker(store: SqliteBrokerStore) {
    const broker = await Aedes.createBroker({ id: 'junxiu-hub', persistence: store as never });
    const server = net.createServer((socket) => broker.handle(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const close = async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
    return { broker, port, close };
  }

  it('publishes the will of a device that was connected when the broker process ended', async () => {
    const dir = await tempDir();
    const path = join(dir.path, 'broker.sqlite');
    const crashed = await startBroker(openBrokerStore(path));
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${crashed.port}`, {
      clientId: 'watch-1',
      clean: false,
      reconnectPeriod: 0,
      will: {
        topic: 'eldercare/v1/watch-1/status',
        payload: Buffer.from('{"online":false}'),
        qos: 1,
        retain: true,
      },
    });
    cleanups.push(() => device.endAsync(true));
    await device.publishAsync('eldercare/v1/watch-1/status', '{"online":true}', { qos: 1, retain: true });

    // The next process opens the same file while the old one still holds its connections: what it
    // reads is what the old one had written when it ended.
    const store = openBrokerStore(path, { previousRunWillsAfterMs: 50 });
    const restarted = await startBroker(store);
    cleanups.push(async () => {
      await restarted.close();
      await store.destroy();
    });
    await eventually(async () => {
      const retained: BrokerPacket[] = [];
      for await (const packet of store.createRetainedStreamCombi(['eldercare/v1/watch-1/status']))
        retained.push(packet as BrokerPacket);
      expect(retained.map((packet) => packet.payload.toString())).toEqual(['{"online":false}']);
      return true;
    });
    expect(await store.getWill({ id: 'watch-1' })).toBeUndefined();
    device.stream.destroy();
    await crashed.close();
  });

  it('does not publish the will of a device that came back in time', async () => {
    const dir = await tempDir();
    const path = join(dir.path, 'broker.sqlite');
    const first = await open(path);
    await first.store.putWill({ id: 'watch-1' }, offlineWill);
    const store = openBrokerStore(path, { previousRunWillsAfterMs: 60_000 });
    const restarted = await startBroker(store);
    cleanups.push(async () => {
      await restarted.close();
      await store.destroy();
    });
    // aedes' own will sweep sees it as a will of a broker that is gone, under an id of its own.
    const swept: BrokerPacket[] = [];
    for await (const will of store.streamWill({ 'junxiu-hub': Date.now() })) swept.push(will as BrokerPacket);
    expect(swept.map((will) => [will.clientId, will.brokerId])).toEqual([
      ['watch-1', 'junxiu-hub:previous-run'],
    ]);
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${restarted.port}`, {
      clientId: 'watch-1',
      clean: false,
      reconnectPeriod: 0,
    });
    cleanups.push(() => device.endAsync(true));
    // Its CONNECT replaced the will of the previous run (it gave none): nothing is left to publish.
    await eventually(async () => (await store.getWill({ id: 'watch-1' })) === undefined);
    expect(await store.publishPreviousRunWills()).toBe(0);
    await first.store.destroy();
  });
});
