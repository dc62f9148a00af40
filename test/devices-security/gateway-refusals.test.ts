/**
 * The broker's side of device security: the bounded ring of refused connections, and the retained
 * status a revoked device leaves behind. A real broker on TCP, real mqtt.js clients.
 */
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../devices/bus.ts';
import {
  type BridgedDevice,
  type DeviceDirectory,
  type DeviceIdentity,
  RefusalLog,
} from '../../gateway/index.ts';
import { suiteGateway } from '../helpers/gateway.ts';
import { connackCode, eventually } from '../helpers/hub.ts';

/** The directory as the gateway sees it; a revocation goes on the bus, as the records side sends it. */
class MemoryDirectory implements DeviceDirectory {
  readonly devices = new Map<string, string>();
  private readonly revoked = new Set<string>();

  constructor(private readonly bus: EventBus) {}

  revoke(deviceId: string): void {
    this.revoked.add(deviceId);
    this.bus.emit('device.revoked', { deviceId, cause: 'revoked' });
  }
  async authenticate(deviceId: string, secret: string): Promise<DeviceIdentity | null> {
    return !this.revoked.has(deviceId) && this.devices.get(deviceId) === secret
      ? { type: 'wearable.watch', retireeId: null }
      : null;
  }
  lookup(deviceId: string): DeviceIdentity | undefined {
    return this.devices.has(deviceId) && !this.revoked.has(deviceId)
      ? { type: 'wearable.watch', retireeId: null }
      : undefined;
  }
  isRevoked(deviceId: string): boolean {
    return this.revoked.has(deviceId);
  }
  bridged(): BridgedDevice[] {
    return [];
  }
}

describe('refusal log', () => {
  it('keeps the newest entries only, newest first', () => {
    const log = new RefusalLog(3);
    for (let at = 1; at <= 5; at += 1) {
      log.add({
        at,
        reason: 'bad_secret',
        returnCode: 4,
        address: '127.0.0.1',
        clientId: null,
        deviceId: null,
      });
    }
    expect(log.size).toBe(3);
    expect(log.recent().map((entry) => entry.at)).toEqual([5, 4, 3]);
    expect(log.recent(2).map((entry) => entry.at)).toEqual([5, 4]);
  });
});

describe('MQTT broker: refusals and revoked status', () => {
  const bus = new EventBus();
  const directory = new MemoryDirectory(bus);
  const gateway = suiteGateway({
    bus,
    directory,
    refusalCapacity: 5,
    // Enough room that this test's refusals never trip the per-address cool-down.
    limits: {
      failedConnects: { perIp: 100, perUsername: 100, windowMs: 60_000, cooldownMs: 60_000, delayMs: 0 },
    },
  });

  const connack = (deviceId: string, secret: string): Promise<number> =>
    connackCode(`mqtt://127.0.0.1:${gateway.tcpPort}`, {
      clientId: deviceId,
      username: deviceId,
      password: secret,
    });

  it('remembers each refused CONNECT with its reason, address and device id, bounded', async () => {
    const heard: string[] = [];
    bus.on('device.refused', 'test', (refusal) => {
      heard.push(refusal.reason);
    });
    directory.devices.set('watch-ring-1', 'right');
    expect(await connack('watch-ring-1', 'wrong')).toBe(4);
    const [latest] = gateway.connects.refusals.recent();
    expect(latest).toMatchObject({
      reason: 'bad_secret',
      returnCode: 4,
      address: expect.stringMatching(/127\.0\.0\.1/),
      deviceId: 'watch-ring-1',
      clientId: 'watch-ring-1',
    });
    for (let i = 0; i < 6; i += 1) await connack(`watch-unknown-${i}`, 'x');
    expect(gateway.connects.refusals.size).toBe(5);
    expect(gateway.connects.refusals.recent()[0]?.deviceId).toBe('watch-unknown-5');
    expect(heard).toHaveLength(7);
    bus.removeOwner('test');
  });

  it('a revoked device leaves a retained offline status that says revoked, and gets CONNACK 5', async () => {
    directory.devices.set('watch-ring-2', 'secret');
    expect(await connack('watch-ring-2', 'secret')).toBe(0);
    directory.revoke('watch-ring-2');
    // The retained store itself: no device may subscribe to another's status to read it.
    const broker = (
      gateway as unknown as {
        broker: { persistence: { createRetainedStream(pattern: string): AsyncIterable<unknown> } };
      }
    ).broker;
    const retained = await eventually(async () => {
      const found: { payload: Buffer; retain: boolean }[] = [];
      const stream = broker.persistence.createRetainedStream('eldercare/v1/watch-ring-2/status');
      for await (const packet of stream) found.push(packet as { payload: Buffer; retain: boolean });
      return found.length > 0 ? found : undefined;
    });
    expect(JSON.parse(retained[0]!.payload.toString())).toEqual({ online: false, revoked: true });
    expect(await connack('watch-ring-2', 'secret')).toBe(5);
    expect(gateway.connects.refusals.recent()[0]).toMatchObject({ reason: 'revoked', returnCode: 5 });
  });
});
