/**
 * Watches and pendants that speak a maker's protocol over TCP (watches/): one type per protocol, so
 * the gateway knows how a registered device speaks, and the device id is the id its frames carry.
 * What they read and raise is what the protocol's decoder gives; test presses and cancels have no
 * frame in these protocols.
 */
import { defineDevice } from '../converters/define.ts';
import { sosButton } from '../converters/events.ts';
import { battery } from '../converters/telemetry.ts';
import type { WatchProtocolName } from '../watches/types.ts';
import { wristCapabilities } from './wearable-watch.ts';

/** SeTracker-style 4G watch on the "3G" text protocol; its id is the 10-digit id or the IMEI. */
export const watch3g = defineDevice({
  type: 'watch.3g',
  category: 'wearable',
  description:
    '4G watch on the 3G text protocol ([3G*ID*LEN*…]): vitals, position, SOS key, fall and removal alarms',
  nameZh: '4G 定位手表（3G 协议）',
  nameEn: '4G watch (3G protocol)',
  power: 'battery',
  extend: wristCapabilities(),
});

/** 4G elderly watch on the IW protocol; its id is the IMEI of its login. */
export const watchIw = defineDevice({
  type: 'watch.iw',
  category: 'wearable',
  description: '4G watch on the IW protocol (IWAP…#): vitals, position, SOS key, fall and removal alarms',
  nameZh: '4G 定位手表（IW 协议）',
  nameEn: '4G watch (IW protocol)',
  power: 'battery',
  extend: wristCapabilities(),
});

/** 4G SOS pendant on JT/T 808; its id is the terminal phone number without leading zeros. */
export const pendantJt808 = defineDevice({
  type: 'pendant.jt808',
  category: 'pendant',
  description: '4G SOS pendant or tracker on JT/T 808 (2013, 2019): position, emergency key, battery',
  nameZh: '4G 一键报警器（JT/T 808）',
  nameEn: '4G SOS pendant (JT/T 808)',
  power: 'battery',
  extend: [battery(), sosButton()],
});

/** The device type a protocol's devices are registered under. */
export const WATCH_DEVICE_TYPES: Readonly<Record<WatchProtocolName, string>> = {
  '3g': watch3g.type,
  iw: watchIw.type,
  jt808: pendantJt808.type,
};
