import { defineDevice } from '../converters/define.ts';
import { buttonTest, smokeAlarm } from '../converters/events.ts';
import { battery } from '../converters/telemetry.ts';

/** Smoke detector: state as telemetry, each alarm as a `smoke` event; its test key as `button_test`. */
export const sensorSmoke = defineDevice({
  type: 'sensor.smoke',
  category: 'sensor',
  description: 'Smoke detector',
  nameZh: '烟雾报警器',
  nameEn: 'Smoke detector',
  power: 'battery',
  extend: [smokeAlarm(), battery(), buttonTest()],
});
