import { defineDevice } from '../converters/define.ts';
import { buttonTest, cancelButton, serviceButton, sosButton } from '../converters/events.ts';
import { battery } from '../converters/telemetry.ts';

/** Neck or wrist pendant: red SOS key, green 求助 (service) key, a test press and cancel. */
export const pendantSos = defineDevice({
  type: 'pendant.sos',
  category: 'pendant',
  description: 'Emergency pendant with SOS and service-request buttons',
  nameZh: '紧急呼叫挂件',
  nameEn: 'SOS pendant',
  power: 'battery',
  extend: [battery(), sosButton(), serviceButton(), buttonTest(), cancelButton()],
});
