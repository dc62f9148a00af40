/**
 * A Zigbee sensor's power source, as its bridge's `bridge/devices` gives it (`power_source`),
 * decides which offline wait the detector applies: a generic sensor on mains (a smoke alarm, a
 * radar) is not taken for a battery one. Over the broker: the bridge publishes its list, and the
 * directory's profile of each sensor (what the detector reads) follows it.
 */
import { describe, expect, it } from 'vitest';
import { parseBridgeDevices, powerSourceOf } from '../../devices/index.ts';
import { Directory } from '../../server/devices/directory.ts';
import type { CreatedDevice } from '../../server/schemas/index.ts';
import { DeviceStore } from '../../server/store/devices.ts';
import { RetireeStore } from '../../server/store/retirees.ts';
import { eventually, publish } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

const BRIDGE = 'bridge-power';

/** A device of `bridge/devices` as Zigbee2MQTT lists it, exposing one binary property. */
function listed(ieee: string, friendlyName: string, property: string, powerSource: unknown) {
  return {
    ieee_address: ieee,
    friendly_name: friendlyName,
    type: powerSource === 'Battery' ? 'EndDevice' : 'Router',
    power_source: powerSource,
    definition: {
      model: `MODEL-${property.toUpperCase()}`,
      vendor: 'Acme',
      exposes: [{ type: 'binary', name: property, property, access: 1, value_on: true, value_off: false }],
    },
  };
}

const SENSORS = [
  { ieee: '0xa4c1380000000501', name: '501/smoke', property: 'smoke', source: 'Mains (single phase)' },
  { ieee: '0xa4c1380000000502', name: '502/radar', property: 'presence', source: 'DC Source' },
  { ieee: '0xa4c1380000000503', name: '503/smoke', property: 'smoke', source: 'Battery' },
  { ieee: '0xa4c1380000000504', name: '504/leak', property: 'water_leak', source: 'Unknown' },
  { ieee: '0xa4c1380000000505', name: '505/door', property: 'contact', source: null },
];

describe('power_source', () => {
  it('reads mains, DC and emergency supplies as mains, Battery as battery, and says nothing of the rest', () => {
    expect(
      ['Mains (single phase)', 'Mains (3 phase)', 'DC Source', 'Emergency mains constantly powered'].map(
        powerSourceOf,
      ),
    ).toEqual(['mains', 'mains', 'mains', 'mains']);
    expect(powerSourceOf('Battery')).toBe('battery');
    expect([undefined, null, 'Unknown', 3, 'battery', 'Mains'].map(powerSourceOf)).toEqual(
      Array(6).fill(undefined),
    );
    // An odd power source loses nothing of the list.
    const devices = parseBridgeDevices([
      listed('0x01', 'a', 'smoke', 42),
      listed('0x02', 'b', 'smoke', 'Battery'),
    ]);
    expect(devices.ok && devices.value.map((device) => [device.friendlyName, device.power])).toEqual([
      ['a', undefined],
      ['b', 'battery'],
    ]);
  });
});

describe('a generic Zigbee sensor’s power, from its bridge’s device list', () => {
  const t = suiteHub();

  it('is mains for a mains or DC sensor, battery for a battery one, and battery while unknown', async () => {
    const bridge = (
      await t.api<CreatedDevice>('POST', '/api/devices', { id: BRIDGE, type: 'bridge.zigbee2mqtt' })
    ).body;
    const ids: string[] = [];
    for (const [index, sensor] of SENSORS.entries()) {
      // The last is bound by its friendly name alone.
      const binding =
        index === SENSORS.length - 1
          ? { id: 'z-505-door', friendlyName: sensor.name }
          : { ieeeAddress: sensor.ieee };
      const created = await t.api<CreatedDevice>('POST', '/api/devices', {
        type: 'zigbee.generic',
        bridgeId: BRIDGE,
        ...binding,
      });
      expect(created.status).toBe(201);
      ids.push(created.body.device.id);
    }
    // A directory over the hub's records and bus, as the hub's own: it hears the bridge's list.
    const directory = new Directory(t.hub.bus, new DeviceStore(t.hub.db), new RetireeStore(t.hub.db), {
      low: 40,
      high: 130,
      consecutive: 3,
    });
    await directory.load();
    const powerOf = () => ids.map((id) => directory.profile(id)?.power);
    // Before the bridge has said anything, a generic sensor is taken for battery.
    expect(powerOf()).toEqual(Array(SENSORS.length).fill('battery'));

    const client = await t.connectDevice(bridge);
    await publish(
      client,
      'zigbee2mqtt/bridge/devices',
      [
        {
          ieee_address: '0x00124b0000000001',
          friendly_name: 'Coordinator',
          type: 'Coordinator',
          definition: null,
        },
        ...SENSORS.map((sensor) => listed(sensor.ieee, sensor.name, sensor.property, sensor.source)),
      ],
      1,
      true,
    );
    await eventually(() => directory.profile(ids[0]!)?.power === 'mains');
    expect(powerOf()).toEqual(['mains', 'mains', 'battery', 'battery', 'battery']);
    expect(directory.profile(ids[0]!)).toMatchObject({ type: 'zigbee.generic', bridgeId: BRIDGE });

    // The bridge's next list replaces the last: the smoke alarm now runs on its battery.
    await publish(
      client,
      'zigbee2mqtt/bridge/devices',
      SENSORS.map((sensor, index) =>
        listed(sensor.ieee, sensor.name, sensor.property, index === 0 ? 'Battery' : sensor.source),
      ),
      1,
      true,
    );
    await eventually(() => directory.profile(ids[0]!)?.power === 'battery');
    expect(powerOf()).toEqual(['battery', 'mains', 'battery', 'battery', 'battery']);
    await client.endAsync();
  });
});
