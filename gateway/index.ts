/** The gateway's public face: what the composition root and the server may use. */

export { BrokerConsumer, type ConsumerLane, consumerLanes, instanceClientId } from './broker/consumer.ts';
export {
  type AccessRule,
  type ConnectVerdict,
  ExternalBrokerAuth,
} from './broker/external-auth.ts';
export {
  type DeviceDirectory,
  type DeviceIdentity,
  MqttGateway,
  type RevocationCause,
} from './broker/gateway.ts';
export { type BrokerLimits, DEFAULT_BROKER_LIMITS } from './broker/limits.ts';
export { DEFAULT_LOG_LIMITS, LineLimitedLog, type LogLimits } from './broker/log-limit.ts';
export { connectAtOnce } from './broker/mqtt-client.ts';
export { type BrokerStoreOptions, openBrokerStore } from './broker/persistence/index.ts';
export { type Refusal, RefusalLog } from './broker/refusals.ts';
export { tlsOptions } from './broker/tls.ts';
export { Detector, type SharedRuns } from './detect/detector.ts';
export type { DeviceRuns, HeartRateLimits } from './detect/rules.ts';
export type { DetectionContext, DetectionSettings, DeviceProfile } from './detect/settings.ts';
export type { AbsenceObservations, AbsenceRecords, SilenceRow } from './detect/watch.ts';
export {
  createTelemetryStore,
  type Point,
  type SeriesPoint,
  type SeriesQuery,
  type SeriesSelector,
  type StoredReading,
  type TelemetryStore,
  type TelemetryStoreSettings,
  TelemetryWriter,
} from './ingest/index.ts';
export {
  isLive,
  MemoryTallies,
  type RecentLists,
  type Tallies,
  type Tally,
  type TallyRead,
  type TallyRule,
  type TallyStore,
} from './tallies.ts';
export {
  DEFAULT_WATCH_LIMITS,
  type SendOutcome,
  WatchGateway,
  type WatchLimits,
  type WatchListener,
} from './watches/gateway.ts';
export { type BridgedDevice, ZigbeeBridges } from './zigbee/bridges.ts';
