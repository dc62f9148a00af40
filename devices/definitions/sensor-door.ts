import { defineDevice } from '../converters/define.ts';
import { battery, contact } from '../converters/telemetry.ts';

/** Door contact: the hub learns when a retiree goes out, or does not come back. */
export const sensorDoor = defineDevice({
  type: 'sensor.door',
  category: 'sensor',
  description: 'Door or window contact sensor',
  nameZh: '门磁传感器',
  nameEn: 'Door contact',
  power: 'battery',
  extend: [contact(), battery()],
});
