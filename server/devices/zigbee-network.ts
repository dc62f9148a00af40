/**
 * What each Zigbee2MQTT bridge last said of its network (`bridge/devices`, told on the bus as
 * `zigbee.network` by the gateway): every device, what it exposes and what the hub reads of it.
 * The device list shows it, so that a model with nothing the hub understands is seen, with its
 * exposes, rather than silently dropped. Held in memory: a bridge publishes its list retained and
 * again on each start, and the next list replaces the last.
 */
import type { EventBus } from '../../devices/bus.ts';
import type { ZigbeeNetworkDevice } from '../../devices/index.ts';

const OWNER = 'zigbee-networks';

export interface BridgeNetwork {
  /** Epoch ms the list arrived. */
  ts: number;
  devices: ZigbeeNetworkDevice[];
}

export class ZigbeeNetworks {
  private readonly networks = new Map<string, BridgeNetwork>();

  constructor(bus: EventBus) {
    bus.on('zigbee.network', OWNER, ({ bridgeId, ts, devices }) => {
      this.networks.set(bridgeId, { ts, devices });
    });
  }

  /** Each bridge's last device list, by bridge id. */
  all(): Map<string, BridgeNetwork> {
    return this.networks;
  }

  /**
   * What a sensor bound to `bridgeId` says powers it, found as the device list finds it: by its
   * IEEE address (any case), else by its friendly name. Undefined while its bridge has not said.
   */
  powerOf(
    bridgeId: string,
    sensor: { ieeeAddress?: string | null; friendlyName?: string | null },
  ): ZigbeeNetworkDevice['power'] {
    const ieee = sensor.ieeeAddress?.toLowerCase();
    const device = this.networks
      .get(bridgeId)
      ?.devices.find(
        (entry) =>
          (ieee !== undefined && entry.ieeeAddress.toLowerCase() === ieee) ||
          (sensor.friendlyName != null && entry.friendlyName === sensor.friendlyName),
      );
    return device?.power;
  }
}
