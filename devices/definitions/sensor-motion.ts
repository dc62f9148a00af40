import { defineDevice } from '../converters/define.ts';
import { battery, motion } from '../converters/telemetry.ts';

/** Motion sensor: feeds the inactivity rule (no movement for too long in the day). */
export const sensorMotion = defineDevice({
  type: 'sensor.motion',
  category: 'sensor',
  description: 'Passive infrared motion sensor',
  nameZh: '人体移动传感器',
  nameEn: 'Motion sensor',
  power: 'battery',
  extend: [motion(), battery()],
});
