import { defineDevice } from '../converters/define.ts';
import { buttonTest, cancelButton, fallDetection, sosButton, wearDetection } from '../converters/events.ts';
import { battery, bloodOxygen, heartRate, steps, temperature } from '../converters/telemetry.ts';

/** What a watch on the wrist reads and raises, whatever protocol carries it. */
export function wristCapabilities() {
  return [
    heartRate(),
    bloodOxygen(),
    steps(),
    battery(),
    wearDetection(),
    temperature(),
    sosButton(),
    fallDetection(),
  ];
}

/** The retiree's smart watch: vitals, fall detection, the SOS key, and whether it is worn. */
export const wearableWatch = defineDevice({
  type: 'wearable.watch',
  category: 'wearable',
  description: 'Smart watch with heart rate, SpO2, steps, fall detection and SOS key',
  nameZh: '智能手表',
  nameEn: 'Smart watch',
  power: 'battery',
  extend: [...wristCapabilities(), buttonTest(), cancelButton()],
});
