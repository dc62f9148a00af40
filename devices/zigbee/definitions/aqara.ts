import { defineZigbee } from '../define.ts';
import { alarm, battery, contact, linkquality, motion, presence } from '../features.ts';

export const aqaraDefinitions = [
  defineZigbee({
    model: 'SJCGQ11LM',
    vendor: 'Aqara',
    category: 'sensor',
    description: 'Water leak sensor',
    nameZh: '水浸传感器',
    nameEn: 'Aqara water leak sensor',
    power: 'battery',
    features: [alarm('water_leak'), battery(), linkquality()],
  }),
  /** Door or window contact: `contact: true` is closed, `false` open. */
  defineZigbee({
    model: 'MCCGQ11LM',
    vendor: 'Aqara',
    category: 'sensor',
    description: 'Door and window sensor',
    nameZh: '门窗传感器',
    nameEn: 'Aqara door and window sensor',
    power: 'battery',
    features: [contact(), battery(), linkquality()],
  }),
  defineZigbee({
    model: 'RTCGQ11LM',
    vendor: 'Aqara',
    category: 'sensor',
    description: 'Motion sensor',
    nameZh: '人体移动传感器',
    nameEn: 'Aqara motion sensor',
    power: 'battery',
    features: [motion(), battery(), linkquality()],
  }),
  /** Aqara FP1 mmWave radar: `presence` even when the person keeps still. */
  defineZigbee({
    model: 'RTCZCGQ11LM',
    vendor: 'Aqara',
    category: 'sensor',
    description: 'Presence sensor FP1',
    nameZh: '人体存在传感器',
    nameEn: 'Aqara presence sensor FP1',
    power: 'mains',
    features: [presence(), linkquality()],
  }),
];
