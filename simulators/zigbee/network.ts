/**
 * The Zigbee network a simulated Zigbee2MQTT bridge plays: one retiree's flat with real models,
 * and the scenarios as the state messages those models send. Pure data; bridge.ts publishes it.
 */
import type { ZigbeeOptions } from '../../devices/index.ts';

export interface SimulatedSensor {
  ieeeAddress: string;
  friendlyName: string;
  model: string;
  vendor: string;
  description: string;
  room: string;
  label: string;
  options?: ZigbeeOptions;
  /** The state it reports when nothing is happening. */
  idle: Record<string, unknown>;
  /** The values of the enums it exposes; its other exposes follow from `idle`. */
  enums?: Record<string, string[]>;
}

export const simulatedSensors: readonly SimulatedSensor[] = [
  {
    ieeeAddress: '0xa4c1380000000101',
    friendlyName: 'sos_button',
    model: 'TS0215A_sos',
    vendor: 'Tuya',
    description: 'SOS button',
    room: '卧室',
    label: '紧急按钮',
    idle: { battery: 95, battery_low: false, tamper: false, linkquality: 132 },
    enums: { action: ['emergency'] },
  },
  {
    ieeeAddress: '0x00124b0000000102',
    friendlyName: 'sos_pendant',
    model: 'SEB01ZB',
    vendor: 'Feibit',
    description: 'SOS button',
    room: '客厅',
    label: '紧急呼叫器',
    idle: { sos: false, battery_low: false, tamper: false, linkquality: 110 },
  },
  {
    ieeeAddress: '0x000d6f0000000103',
    friendlyName: 'emergency_button',
    model: 'HS1EB/HS1EB-E',
    vendor: 'Heiman',
    description: 'Smart emergency button',
    room: '卫生间',
    label: '卫生间紧急按钮',
    options: { sosAction: 'single' },
    idle: { battery: 90, linkquality: 98 },
    enums: { action: ['single', 'double', 'hold'] },
  },
  {
    ieeeAddress: '0xa4c1380000000104',
    friendlyName: 'fall_radar',
    model: 'MIR-HE200-TY',
    vendor: 'Tuya',
    description: 'Human presence radar with fall detection',
    room: '卫生间',
    label: '跌倒雷达',
    idle: { presence: true, fall_down_status: 'none', linkquality: 150 },
    enums: { fall_down_status: ['none', 'maybe_fall', 'fall'] },
  },
  {
    ieeeAddress: '0x000d6f0000000105',
    friendlyName: 'water_leak',
    model: 'SJCGQ11LM',
    vendor: 'Aqara',
    description: 'Water leak sensor',
    room: '卫生间',
    label: '水浸',
    idle: { water_leak: false, battery: 100, linkquality: 120 },
  },
  {
    ieeeAddress: '0x000d6f0000000106',
    friendlyName: 'smoke_detector',
    model: 'HS1SA',
    vendor: 'Heiman',
    description: 'Smoke detector',
    room: '厨房',
    label: '烟感',
    idle: { smoke: false, test: false, battery: 100, battery_low: false, tamper: false, linkquality: 104 },
  },
  {
    ieeeAddress: '0x00158d0000000107',
    friendlyName: 'front_door',
    model: 'MCCGQ11LM',
    vendor: 'Aqara',
    description: 'Door and window sensor',
    room: '入户门',
    label: '门磁',
    idle: { contact: true, battery: 100, linkquality: 90 },
  },
  {
    ieeeAddress: '0x00158d0000000108',
    friendlyName: 'living_room_motion',
    model: 'RTCGQ11LM',
    vendor: 'Aqara',
    description: 'Motion sensor',
    room: '客厅',
    label: '人体感应',
    idle: { occupancy: false, battery: 100, linkquality: 115 },
  },
];

/** One message of a scenario: `delayMs` after the previous one, to a sensor's topic. */
export interface ScenarioStep {
  delayMs: number;
  friendlyName: string;
  /** A state object, or `online` / `offline` for the availability topic. */
  payload: Record<string, unknown> | 'online' | 'offline';
}

const step = (friendlyName: string, payload: ScenarioStep['payload'], delayMs = 0): ScenarioStep => ({
  delayMs,
  friendlyName,
  payload,
});

export const zigbeeScenarios = {
  /** A press of the Tuya SOS key; Zigbee2MQTT then resets `action` to "". */
  emergency: [step('sos_button', { action: 'emergency' }), step('sos_button', { action: '' }, 500)],
  /** The Feibit pendant: `sos` true while pressed. */
  'sos-pendant': [step('sos_pendant', { sos: true }), step('sos_pendant', { sos: false }, 2000)],
  /** The Heiman button pressed once. */
  'button-single': [
    step('emergency_button', { action: 'single' }),
    step('emergency_button', { action: '' }, 500),
  ],
  /** The radar first unsure, then certain. */
  fall: [
    step('fall_radar', { fall_down_status: 'maybe_fall' }),
    step('fall_radar', { fall_down_status: 'fall' }, 3000),
  ],
  'fall-clear': [step('fall_radar', { fall_down_status: 'none' })],
  leak: [step('water_leak', { water_leak: true })],
  'leak-clear': [step('water_leak', { water_leak: false })],
  smoke: [step('smoke_detector', { smoke: true })],
  'smoke-clear': [step('smoke_detector', { smoke: false })],
  /** The test button held: the alarm sounds with the test bit set, then both clear. */
  'smoke-test': [
    step('smoke_detector', { smoke: true, test: true }),
    step('smoke_detector', { smoke: false, test: false }, 3000),
  ],
  'door-open': [step('front_door', { contact: false })],
  'door-close': [step('front_door', { contact: true })],
  motion: [
    step('living_room_motion', { occupancy: true }),
    step('living_room_motion', { occupancy: false }, 90_000),
  ],
  offline: [step('sos_button', 'offline')],
  online: [step('sos_button', 'online')],
} satisfies Record<string, ScenarioStep[]>;

export type ZigbeeScenario = keyof typeof zigbeeScenarios;
export const zigbeeScenarioNames = Object.keys(zigbeeScenarios) as ZigbeeScenario[];

export function isZigbeeScenario(name: string): name is ZigbeeScenario {
  return Object.hasOwn(zigbeeScenarios, name);
}

/** A sensor's `definition.exposes` as Zigbee2MQTT describes them, from its idle state and enums. */
export function exposesOf(sensor: SimulatedSensor): Record<string, unknown>[] {
  const exposes: Record<string, unknown>[] = [];
  for (const [name, values] of Object.entries(sensor.enums ?? {})) {
    exposes.push({ type: 'enum', name, property: name, access: 1, values });
  }
  for (const [name, value] of Object.entries(sensor.idle)) {
    if (sensor.enums && Object.hasOwn(sensor.enums, name)) continue;
    if (typeof value === 'boolean') {
      exposes.push({ type: 'binary', name, property: name, access: 1, value_on: true, value_off: false });
    } else if (typeof value === 'number') {
      const range = name === 'linkquality' ? { unit: 'lqi', value_max: 255 } : { unit: '%', value_max: 100 };
      exposes.push({ type: 'numeric', name, property: name, access: 1, value_min: 0, ...range });
    }
  }
  return exposes;
}

/** `bridge/devices` as Zigbee2MQTT publishes it (the parts a consumer reads), coordinator first. */
export function bridgeDevicesPayload(sensors: readonly SimulatedSensor[] = simulatedSensors): unknown[] {
  return [
    {
      ieee_address: '0x00124b00000000ff',
      friendly_name: 'Coordinator',
      type: 'Coordinator',
      supported: false,
      definition: null,
    },
    ...sensors.map((sensor) => ({
      ieee_address: sensor.ieeeAddress,
      friendly_name: sensor.friendlyName,
      type: 'EndDevice',
      supported: true,
      interview_completed: true,
      definition: {
        model: sensor.model,
        vendor: sensor.vendor,
        description: sensor.description,
        exposes: exposesOf(sensor),
      },
    })),
  ];
}
