/** The gateway's public face: what the composition root may use. */
export { type DeviceDirectory, type DeviceIdentity, MqttGateway } from './broker/gateway.ts';
export { Detector } from './detect/detector.ts';
export type { HeartRateLimits } from './detect/rules.ts';
