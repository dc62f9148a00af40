import { defineZigbee } from '../define.ts';
import { batteryLow, linkquality, sosFlag, tamper } from '../features.ts';

export const feibitDefinitions = [
  /** Feibit emergency button: an IAS zone whose alarm Zigbee2MQTT reports as `sos: true`. */
  defineZigbee({
    model: 'SEB01ZB',
    vendor: 'Feibit',
    category: 'pendant',
    description: 'SOS button',
    nameZh: '飞比紧急按钮',
    nameEn: 'Feibit SOS button',
    power: 'battery',
    features: [sosFlag(), batteryLow(), tamper(), linkquality()],
  }),
];
