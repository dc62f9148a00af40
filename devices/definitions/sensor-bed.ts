import { defineDevice } from '../converters/define.ts';
import { battery, bedOccupancy } from '../converters/telemetry.ts';

/** Bed pressure mat: feeds the night-time bed-exit rule. */
export const sensorBed = defineDevice({
  type: 'sensor.bed',
  category: 'sensor',
  description: 'Bed occupancy pressure mat',
  nameZh: '离床感应垫',
  nameEn: 'Bed occupancy pad',
  power: 'battery',
  extend: [bedOccupancy(), battery()],
});
