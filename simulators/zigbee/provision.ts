/**
 * Registers a simulated Zigbee2MQTT bridge on the hub, and one retiree whose flat holds the
 * bridge's sensors, each bound to the bridge by IEEE address, through the hub's API.
 */

import { createRetirees } from '../people.ts';
import type { HubApi } from '../provision.ts';
import type { Random } from '../vitals.ts';
import { simulatedSensors } from './network.ts';

export interface ZigbeeCredentials {
  version: 1;
  bridgeId: string;
  secret: string;
  baseTopic: string;
  retireeId: string;
  sensors: { id: string; friendlyName: string; model: string }[];
}

export async function provisionZigbee(
  api: HubApi,
  options: { bridgeId: string; baseTopic: string; random: Random },
): Promise<ZigbeeCredentials> {
  const [person] = createRetirees(1, options.random);
  if (!person) throw new Error('no retiree to create');
  const retiree = await api.createRetiree(person);
  const bridge = await api.createDevice({
    id: options.bridgeId,
    type: 'bridge.zigbee2mqtt',
    label: 'Zigbee2MQTT',
    ...(options.baseTopic !== 'zigbee2mqtt' ? { options: { baseTopic: options.baseTopic } } : {}),
  });
  const sensors: ZigbeeCredentials['sensors'] = [];
  for (const sensor of simulatedSensors) {
    const created = await api.createDevice({
      // Named after the bridge, so a second simulated bridge with the same addresses does not clash.
      id: `${options.bridgeId}.${sensor.friendlyName}`.slice(0, 64),
      type: `zigbee.${sensor.model}`,
      bridgeId: options.bridgeId,
      ieeeAddress: sensor.ieeeAddress,
      retireeId: retiree.id,
      room: sensor.room,
      label: sensor.label,
      ...(sensor.options ? { options: sensor.options } : {}),
    });
    sensors.push({ id: created.device.id, friendlyName: sensor.friendlyName, model: sensor.model });
  }
  return {
    version: 1,
    bridgeId: bridge.device.id,
    secret: bridge.secret,
    baseTopic: options.baseTopic,
    retireeId: retiree.id,
    sensors,
  };
}
