/**
 * The maker protocols the watch gateway speaks, by the name a device's type carries. Each is a pure
 * adapter (types.ts): framer, decoder, encoder.
 */
import { iw } from './iw.ts';
import { jt808 } from './jt808.ts';
import { threeG } from './threeg.ts';
import type { WatchProtocol, WatchProtocolName } from './types.ts';

export const watchProtocols: Readonly<Record<WatchProtocolName, WatchProtocol>> = { '3g': threeG, iw, jt808 };

export * from './types.ts';
