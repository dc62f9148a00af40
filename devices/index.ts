/**
 * The device registry: every device type the hub understands, by its `type`, and the pure
 * contract, decoding and alert data that gateway/, server/ and simulators/ share.
 */
import { pendantJt808, WATCH_DEVICE_TYPES, watch3g, watchIw } from './definitions/maker-protocols.ts';
import { pendantSos } from './definitions/pendant-sos.ts';
import { sensorBed } from './definitions/sensor-bed.ts';
import { sensorDoor } from './definitions/sensor-door.ts';
import { sensorGas } from './definitions/sensor-gas.ts';
import { sensorMotion } from './definitions/sensor-motion.ts';
import { sensorSmoke } from './definitions/sensor-smoke.ts';
import { sensorWaterLeak } from './definitions/sensor-water-leak.ts';
import { wearableWatch } from './definitions/wearable-watch.ts';
import type { DeviceDefinition } from './types.ts';

export const definitions: readonly DeviceDefinition[] = [
  wearableWatch,
  pendantSos,
  sensorDoor,
  sensorMotion,
  sensorBed,
  sensorSmoke,
  sensorWaterLeak,
  sensorGas,
  watch3g,
  watchIw,
  pendantJt808,
];

// A Map, not an object, so that a type such as `__proto__` or `constructor` finds nothing.
const byType = new Map(definitions.map((definition) => [definition.type, definition]));

export const deviceTypes: readonly string[] = definitions.map((definition) => definition.type);

export function getDefinition(type: string): DeviceDefinition | undefined {
  return byType.get(type);
}

export * from './alerts.ts';
export * from './bus.ts';
export * from './contract.ts';
export type { Capability, EventKind, TelemetryField } from './converters/capability.ts';
export { type DeviceSpec, defineDevice } from './converters/define.ts';
export { DeviceStatusSchema, EpochMilliseconds, EventId, Percent } from './converters/schemas.ts';
export * from './decode.ts';
export * from './types.ts';
export { checkerFor, firstError } from './validate.ts';
export * from './zigbee/index.ts';
export { WATCH_DEVICE_TYPES };
