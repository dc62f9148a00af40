/**
 * Capabilities that raise events. Alarms from sensors (smoke, gas, water leak) carry both sides
 * of the sensor rule in devices/README.md: the state as a telemetry reading, and the alarm as an
 * event with an id, so that a redelivered alarm opens no second alert.
 */
import { Type } from '@sinclair/typebox';
import type { EventType, ReadingKey } from '../types.ts';
import type { Capability, EventKind } from './capability.ts';
import { EventId } from './schemas.ts';
import { booleanField } from './telemetry.ts';

function plainEvent(type: EventType): EventKind {
  return { type, fields: {} };
}

function eventOnly(name: string, ...kinds: EventKind[]): Capability {
  return { name, telemetry: [], events: kinds };
}

/** The red button: a retiree asks for help now (6.11.2.4). */
export function sosButton(): Capability {
  return eventOnly('sosButton', plainEvent('sos'));
}

/** The green 求助 button: a non-urgent request for service. */
export function serviceButton(): Capability {
  return eventOnly('serviceButton', plainEvent('service_request'));
}

/** A scheduled test press, so staff can tell drills from emergencies. */
export function buttonTest(): Capability {
  return eventOnly('buttonTest', plainEvent('button_test'));
}

/**
 * The retiree cancels a press before anyone acknowledged it. `cancels` names the event id being
 * cancelled, when the device knows it; without it the hub cancels the device's latest open alert.
 */
export function cancelButton(): Capability {
  return eventOnly('cancelButton', {
    type: 'cancel',
    fields: { cancels: Type.Optional(EventId) },
  });
}

/**
 * Fall detection. A device that is not sure says `suspected`, which opens a lower-severity alert;
 * a device that says nothing is taken at its word, as `confirmed`.
 */
export function fallDetection(): Capability {
  return eventOnly('fallDetection', {
    type: 'fall',
    fields: {
      certainty: Type.Optional(Type.Union([Type.Literal('confirmed'), Type.Literal('suspected')])),
    },
    convert: (fields) => ({ certainty: fields.certainty === 'suspected' ? 'suspected' : 'confirmed' }),
  });
}

/** Whether the wearable is on the wrist, and an event when it is taken off. */
export function wearDetection(): Capability {
  return {
    name: 'wearDetection',
    telemetry: [booleanField('worn', 'worn', 'device is worn')],
    events: [plainEvent('wearable_removed')],
  };
}

function alarmSensor(name: string, key: 'smoke' | 'gas' | 'water_leak', description: string): Capability {
  const reading: ReadingKey = key;
  return {
    name,
    telemetry: [booleanField(key, reading, description)],
    events: [plainEvent(key)],
  };
}

export function smokeAlarm(): Capability {
  return alarmSensor('smokeAlarm', 'smoke', 'smoke detected');
}

export function gasAlarm(): Capability {
  return alarmSensor('gasAlarm', 'gas', 'combustible gas detected');
}

export function waterLeakAlarm(): Capability {
  return alarmSensor('waterLeakAlarm', 'water_leak', 'water detected');
}
