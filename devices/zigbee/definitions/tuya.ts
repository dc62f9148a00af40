import { defineZigbee } from '../define.ts';
import { actionEvents, battery, batteryLow, fallStatus, linkquality, presence, tamper } from '../features.ts';

export const tuyaDefinitions = [
  /** The common Tuya SOS key: each press publishes `{"action": "emergency"}`. */
  defineZigbee({
    model: 'TS0215A_sos',
    vendor: 'Tuya',
    category: 'pendant',
    description: 'SOS button',
    nameZh: '涂鸦紧急按钮',
    nameEn: 'Tuya SOS button',
    power: 'battery',
    features: [actionEvents({ emergency: 'sos' }), battery(), batteryLow(), tamper(), linkquality()],
  }),
  /**
   * Ceiling radar with fall detection: `fall_down_status` none → maybe_fall (suspected) → fall
   * (confirmed), and `presence`.
   */
  defineZigbee({
    model: 'MIR-HE200-TY',
    vendor: 'Tuya',
    category: 'sensor',
    description: 'Human presence radar with fall detection',
    nameZh: '雷达人体存在与跌倒传感器',
    nameEn: 'Presence radar with fall detection',
    power: 'mains',
    features: [
      presence(),
      fallStatus('fall_down_status', {
        none: { level: 0 },
        maybe_fall: { level: 1, certainty: 'suspected' },
        fall: { level: 2, certainty: 'confirmed' },
      }),
      linkquality(),
    ],
  }),
];
