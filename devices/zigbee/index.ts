/**
 * The Zigbee2MQTT registry: every model the hub understands, found by the model string the
 * bridge reports or by the hub's device type (`zigbee.<model>`), and the per-device options.
 */
import { Type } from '@sinclair/typebox';
import type { BridgeDevice } from './bridge.ts';
import { aqaraDefinitions } from './definitions/aqara.ts';
import { feibitDefinitions } from './definitions/feibit.ts';
import { heimanDefinitions } from './definitions/heiman.ts';
import { owonDefinitions } from './definitions/owon.ts';
import { tuyaDefinitions } from './definitions/tuya.ts';
import { genericZigbee, understood, zigbeeConverter } from './exposes.ts';
import type { ZigbeeDefinition, ZigbeeNetworkDevice } from './types.ts';

export const zigbeeDefinitions: readonly ZigbeeDefinition[] = [
  ...tuyaDefinitions,
  ...feibitDefinitions,
  ...heimanDefinitions,
  ...owonDefinitions,
  ...aqaraDefinitions,
];

// Maps, not objects, so that a model such as `__proto__` sent by a bridge finds nothing.
const byModel = new Map(zigbeeDefinitions.map((definition) => [definition.model, definition]));
const byType = new Map(
  [...zigbeeDefinitions, genericZigbee].map((definition) => [definition.type, definition]),
);

/** By `definition.model` of `bridge/devices`. Vendors are not compared: Zigbee2MQTT renamed some (`TuYa` → `Tuya`). */
export function zigbeeDefinitionByModel(model: string): ZigbeeDefinition | undefined {
  return byModel.get(model);
}

/** By the hub's device type, `zigbee.generic` (read by exposes) included. */
export function zigbeeDefinitionByType(type: string): ZigbeeDefinition | undefined {
  return byType.get(type);
}

/** A device of `bridge/devices` as the device list shows it: what it exposes, what the hub reads. */
export function zigbeeNetworkDevice(device: BridgeDevice): ZigbeeNetworkDevice {
  const named = device.model ? zigbeeDefinitionByModel(device.model) : undefined;
  const converter = zigbeeConverter(named, device.exposes, device.model, device.vendor);
  return {
    ieeeAddress: device.ieeeAddress,
    friendlyName: device.friendlyName,
    model: device.model,
    vendor: device.vendor,
    exposes: device.exposes?.names ?? [],
    understood: converter ? understood(converter.features) : [],
    named: named !== undefined,
    ...(device.power ? { power: device.power } : {}),
  };
}

const ButtonActionSchema = Type.Union([Type.Literal('single'), Type.Literal('double'), Type.Literal('hold')]);

/** Options stored with a Zigbee sensor; a model ignores the ones it does not list. */
export const ZigbeeOptionsSchema = Type.Object(
  {
    sosAction: Type.Optional({
      ...ButtonActionSchema,
      description: 'HS1EB: the press that means SOS (default single)',
    }),
    serviceAction: Type.Optional({
      ...ButtonActionSchema,
      description: 'HS1EB: the press that asks for service (求助), if any',
    }),
    baseTopic: Type.Optional(
      Type.String({
        pattern: '^(?!eldercare(/|$))[A-Za-z0-9_-]{1,64}(/[A-Za-z0-9_-]{1,64}){0,3}$',
        description: "Bridges only: the bridge's mqtt.base_topic (default zigbee2mqtt)",
      }),
    ),
  },
  { additionalProperties: false },
);

export {
  BASE_TOPIC_PATTERN,
  BRIDGE_TYPE,
  type BridgeDevice,
  type BridgeTopic,
  DEFAULT_BASE_TOPIC,
  MAX_BRIDGE_DEVICES_BYTES,
  MAX_STATE_BYTES,
  type PowerSource,
  parseAvailability,
  parseBridgeDevices,
  parseBridgeJson,
  parseBridgeTopic,
  parseState,
  powerSourceOf,
} from './bridge.ts';
export { defineZigbee, lastSeenOf, ZIGBEE_TYPE_PREFIX, type ZigbeeSpec, zigbeeEventId } from './define.ts';
export {
  type DeviceExposes,
  type ExposedProperty,
  exposedFeatures,
  fallLevelOf,
  GENERIC_MODEL,
  genericZigbee,
  readExposes,
  understood,
  zigbeeConverter,
} from './exposes.ts';
export { ACTION_REPEAT_MS, DEFAULT_SOS_ACTION } from './features.ts';
export * from './types.ts';
