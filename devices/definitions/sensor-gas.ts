import { defineDevice } from '../converters/define.ts';
import { buttonTest, gasAlarm } from '../converters/events.ts';

/**
 * Combustible gas detector. Mains powered, so it reports no battery; its test key is a
 * `button_test` like the smoke detector's.
 */
export const sensorGas = defineDevice({
  type: 'sensor.gas',
  category: 'sensor',
  description: 'Combustible gas detector',
  nameZh: '燃气报警器',
  nameEn: 'Gas detector',
  power: 'mains',
  extend: [gasAlarm(), buttonTest()],
});
