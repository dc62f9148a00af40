import { defineDevice } from '../converters/define.ts';
import { waterLeakAlarm } from '../converters/events.ts';
import { battery } from '../converters/telemetry.ts';

/** Water leak probe: state as telemetry, each alarm as a `water_leak` event. */
export const sensorWaterLeak = defineDevice({
  type: 'sensor.water_leak',
  category: 'sensor',
  description: 'Water leak sensor',
  nameZh: '水浸传感器',
  nameEn: 'Water leak sensor',
  power: 'battery',
  extend: [waterLeakAlarm(), battery()],
});
