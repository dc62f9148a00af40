/**
 * The broker without a hub, for tests of the gateway itself: the real MqttGateway on a loopback TCP
 * port the OS picks, its telemetry store and writer in a temporary folder, silent logs. What a test
 * decides (the bus, the device directory, limits, the session store, a registry to read metrics
 * from) it passes in.
 */
import pino from 'pino';
import promClient from 'prom-client';
import { afterAll, beforeAll } from 'vitest';
import type { EventBus } from '../../devices/bus.ts';
import type { GatewayOptions } from '../../gateway/broker/gateway.ts';
import {
  type BridgedDevice,
  createTelemetryStore,
  type DeviceDirectory,
  type DeviceIdentity,
  MqttGateway,
  TelemetryWriter,
} from '../../gateway/index.ts';
import { standIn } from './suite.ts';
import { makeTempDir } from './tmp.ts';

/**
 * The device directory as the gateway sees it, held in memory: devices with their secrets. Removing
 * one sends, when a bus is given, the revocation signal the records side sends when a device is
 * removed or its secret replaced.
 */
export class MemoryDirectory implements DeviceDirectory {
  private readonly devices = new Map<string, { secret: string; identity: DeviceIdentity }>();

  constructor(private readonly bus?: EventBus) {}

  add(
    deviceId: string,
    secret: string,
    identity: DeviceIdentity = { type: 'wearable.watch', retireeId: null },
  ): void {
    this.devices.set(deviceId, { secret, identity });
  }

  revoke(deviceId: string): void {
    this.devices.delete(deviceId);
    this.bus?.emit('device.revoked', { deviceId, cause: 'revoked' });
  }

  async authenticate(deviceId: string, secret: string): Promise<DeviceIdentity | null> {
    const entry = this.devices.get(deviceId);
    return entry && entry.secret === secret ? entry.identity : null;
  }

  lookup(deviceId: string): DeviceIdentity | undefined {
    return this.devices.get(deviceId)?.identity;
  }

  bridged(): BridgedDevice[] {
    return [];
  }
}

export type SuiteGatewayOptions = Omit<GatewayOptions, 'writer' | 'log' | 'registry' | 'tcp'> & {
  registry?: promClient.Registry;
};

/**
 * A broker for the cases of the enclosing `describe`, started before its first case and stopped,
 * with its store and folder, after its last (after the suite's own `afterAll` hooks registered
 * after this call, so those may still close their clients). The object returned stands for the
 * broker once it has started.
 */
export function suiteGateway(options: SuiteGatewayOptions): MqttGateway {
  let started: { gateway: MqttGateway; stop: () => Promise<void> } | undefined;
  beforeAll(async () => {
    const dataDir = await makeTempDir('junxiu-gateway-');
    const logger = pino({ level: 'silent' });
    const registry = options.registry ?? new promClient.Registry();
    const store = createTelemetryStore({ dataDir: dataDir.path });
    await store.start();
    const writer = new TelemetryWriter({ store, dataDir: dataDir.path, logger, registry });
    await writer.start();
    const gateway = new MqttGateway({
      ...options,
      writer,
      log: logger,
      registry,
      tcp: { host: '127.0.0.1', port: 0 },
    });
    started = {
      gateway,
      async stop() {
        await gateway.stop();
        await writer.stop();
        await store.stop();
        await dataDir.remove();
      },
    };
    await gateway.start();
  });
  afterAll(() => started?.stop());
  return standIn(() => started?.gateway, "the suite's broker");
}
