import { defineZigbee } from '../define.ts';
import {
  alarm,
  battery,
  batteryLow,
  configurableButton,
  fallStatus,
  linkquality,
  presence,
  tamper,
  testPress,
} from '../features.ts';

export const heimanDefinitions = [
  /**
   * Heiman emergency button: `action` single, double or hold. Which press means SOS is chosen per
   * device (`options.sosAction`, default `single`); another may be the 求助 service request.
   */
  defineZigbee({
    model: 'HS1EB/HS1EB-E',
    vendor: 'Heiman',
    category: 'pendant',
    description: 'Smart emergency button',
    nameZh: '海曼紧急按钮',
    nameEn: 'Heiman emergency button',
    power: 'battery',
    options: ['sosAction', 'serviceAction'],
    features: [configurableButton(), battery(), linkquality()],
  }),
  /** Heiman fall radar: `fall_status` normal / fall_warning (suspected) / fall_alarm (confirmed). */
  defineZigbee({
    model: 'HS2FD-EF1-3.0',
    vendor: 'Heiman',
    category: 'sensor',
    description: 'Fall detection sensor',
    nameZh: '海曼跌倒检测雷达',
    nameEn: 'Heiman fall detection radar',
    power: 'mains',
    features: [
      fallStatus('fall_status', {
        normal: { level: 0 },
        fall_warning: { level: 1, certainty: 'suspected' },
        fall_alarm: { level: 2, certainty: 'confirmed' },
      }),
      presence('occupancy'),
      linkquality(),
    ],
  }),
  /** Heiman smoke alarm: `smoke`, and `test: true` (with `smoke: true`) while its test button is held. */
  defineZigbee({
    model: 'HS1SA',
    vendor: 'Heiman',
    category: 'sensor',
    description: 'Smoke detector',
    nameZh: '海曼烟雾报警器',
    nameEn: 'Heiman smoke detector',
    power: 'battery',
    features: [alarm('smoke'), testPress(), battery(), batteryLow(), tamper(), linkquality()],
  }),
  defineZigbee({
    model: 'HS1CG-M',
    vendor: 'Heiman',
    category: 'sensor',
    description: 'Combustible gas sensor',
    nameZh: '海曼燃气报警器',
    nameEn: 'Heiman gas detector',
    power: 'mains',
    features: [alarm('gas'), testPress(), batteryLow(), tamper(), linkquality()],
  }),
];
