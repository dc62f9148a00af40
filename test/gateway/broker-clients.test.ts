/**
 * Who the broker counts as connected (`hub_mqtt_clients`) and who it treats as the device's live
 * session, when a client drops while aedes is still setting it up: aedes keys its clients by id and
 * registers (and announces) such a client after it is gone. A real broker on TCP; the session store
 * holds a persistent session's restore until the test lets it go, so the drop lands in that window.
 */
import mqtt from 'mqtt';
import promClient from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../devices/bus.ts';
import type { HubEventMap } from '../../devices/contract.ts';
import { BoundedMemoryStore } from '../../gateway/broker/persistence/index.ts';
import type { BridgedDevice, DeviceDirectory, DeviceIdentity } from '../../gateway/index.ts';
import { suiteGateway } from '../helpers/gateway.ts';
import { eventually } from '../helpers/hub.ts';
import { connectFrame, RawClient } from './mqtt-frames.ts';

const DEVICE = 'pendant-0042';
const SECRET = 'a-secret-of-the-pendant';

class OneDevice implements DeviceDirectory {
  async authenticate(deviceId: string, secret: string): Promise<DeviceIdentity | null> {
    return deviceId === DEVICE && secret === SECRET ? { type: 'pendant.sos', retireeId: null } : null;
  }
  lookup(deviceId: string): DeviceIdentity | undefined {
    return deviceId === DEVICE ? { type: 'pendant.sos', retireeId: null } : undefined;
  }
  bridged(): BridgedDevice[] {
    return [];
  }
}

/** The in-memory session store, whose restore of a persistent session waits while `held` is set. */
class HeldRestoreStore extends BoundedMemoryStore {
  held: { reached: () => void; release: Promise<void> } | undefined;

  override async subscriptionsByClient(client: { id: string }) {
    const held = this.held;
    if (held) {
      this.held = undefined;
      held.reached();
      await held.release;
    }
    return super.subscriptionsByClient(client);
  }
}

describe('MQTT broker: clients that drop while they connect', () => {
  const registry = new promClient.Registry();
  const sessions = new HeldRestoreStore();
  const bus = new EventBus();
  const statuses: HubEventMap['device.status'][] = [];
  const gateway = suiteGateway({ bus, directory: new OneDevice(), registry, persistence: sessions });

  beforeAll(() => {
    bus.on('device.status', 'test', (status) => {
      statuses.push(status);
    });
  });

  async function gauge(name: string): Promise<number> {
    const metric = await registry.getSingleMetric(name)?.get();
    return metric?.values[0]?.value ?? Number.NaN;
  }

  it('counts only open connections, after one dropped between its authentication and registration', async () => {
    // A client with a persistent session authenticates; while its session is restored, it is gone.
    let reached!: () => void;
    let release!: () => void;
    const restoring = new Promise<void>((resolve) => {
      reached = resolve;
    });
    sessions.held = {
      reached,
      release: new Promise<void>((resolve) => {
        release = resolve;
      }),
    };
    const dropping = new RawClient(gateway.tcpPort);
    await dropping.connected;
    await dropping.write(
      connectFrame({ clientId: DEVICE, username: DEVICE, password: SECRET, clean: false }),
    );
    await restoring;
    dropping.destroy();
    await dropping.closed;
    await eventually(async () => (await gauge('hub_mqtt_connections')) === 0);
    release();

    // The device itself connects, then leaves.
    const device = mqtt.connect(`mqtt://127.0.0.1:${gateway.tcpPort}`, {
      clientId: DEVICE,
      username: DEVICE,
      password: SECRET,
      reconnectPeriod: 0,
    });
    await new Promise<void>((resolve, reject) => {
      device.once('connect', () => resolve());
      device.once('error', reject);
    });
    // The broker marks it connected once its CONNACK is written, which the device may hear first.
    await eventually(async () => (await gauge('hub_mqtt_clients')) === 1);
    expect(await gauge('hub_mqtt_connections')).toBe(1);
    await device.endAsync();
    await eventually(async () => (await gauge('hub_mqtt_connections')) === 0);
    expect(await gauge('hub_mqtt_clients')).toBe(0);
    // The client that dropped was never online; the device was, and then was not.
    await eventually(() => statuses.at(-1)?.online === false);
    expect(statuses.map((status) => status.online)).toStrictEqual([true, false]);
  });
});
