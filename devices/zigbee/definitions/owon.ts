import { defineZigbee } from '../define.ts';
import { battery, batteryLow, bedPad, fallStatus, linkquality, tamper } from '../features.ts';

export const owonDefinitions = [
  /**
   * OWON radar: `status` unoccupied / occupied / sitting / on_the_bed / low_posture / falling.
   * Only `falling` is a fall, and the device means it (confirmed); `low_posture` alone is someone
   * lying low, which the radar itself does not call a fall.
   */
  defineZigbee({
    model: 'FDS315',
    vendor: 'OWON',
    category: 'sensor',
    description: 'Fall detection sensor',
    nameZh: '欧万跌倒检测雷达',
    nameEn: 'OWON fall detection radar',
    power: 'mains',
    features: [
      fallStatus(
        'status',
        {
          unoccupied: { level: 0 },
          occupied: { level: 0 },
          sitting: { level: 0 },
          on_the_bed: { level: 0 },
          low_posture: { level: 0 },
          falling: { level: 2, certainty: 'confirmed' },
        },
        (value) => value !== 'unoccupied',
      ),
      linkquality(),
    ],
  }),
  /** OWON bed pressure pad (an IAS contact zone): weight on the pad reads `contact: false`. */
  defineZigbee({
    model: 'SPM915',
    vendor: 'OWON',
    category: 'sensor',
    description: 'Sleeping pad monitor',
    nameZh: '欧万离床感应垫',
    nameEn: 'OWON bed pressure pad',
    power: 'battery',
    features: [bedPad(), battery(), batteryLow(), tamper(), linkquality()],
  }),
];
