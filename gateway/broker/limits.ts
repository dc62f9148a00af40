/**
 * The broker's limits, with the defaults the README's settings table lists. The device protocol
 * needs little: topics of four levels, payloads of at most 16 KiB; a Zigbee2MQTT bridge sends its
 * device list (up to 4 MiB, devices/zigbee) in one message and may use more after it authenticates.
 */
import { MAX_BRIDGE_DEVICES_BYTES } from '../../devices/zigbee/index.ts';
import type { FailedConnectSettings } from './failed-connects.ts';
import { INCOMING_WINDOW_FULL } from './persistence/memory.ts';

export interface BrokerLimits {
  /** Largest MQTT packet, fixed header included, before authentication and for devices. */
  maxPacketBytes: number;
  /** Largest packet from an authenticated Zigbee2MQTT bridge. */
  maxBridgePacketBytes: number;
  /** Levels of a topic or filter; a Zigbee friendly name may hold slashes. */
  maxTopicLevels: number;
  /** Time from the TCP connection to its CONNECT. */
  connectTimeoutMs: number;
  /** Time a client may leave its socket full before it is dropped. */
  drainTimeoutMs: number;
  /** Open connections at once over TCP, TLS and WebSocket, authenticated or not. */
  maxConnections: number;
  /**
   * Longest wait for a device event to be committed before the broker gives up on it: no PUBACK,
   * the connection closes, and the device sends the event again when it reconnects.
   */
  eventCommitTimeoutMs: number;
  failedConnects: FailedConnectSettings;
}

export const DEFAULT_BROKER_LIMITS: BrokerLimits = {
  maxPacketBytes: 64 * 1024,
  maxBridgePacketBytes: MAX_BRIDGE_DEVICES_BYTES + 64 * 1024,
  maxTopicLevels: 12,
  connectTimeoutMs: 10_000,
  drainTimeoutMs: 30_000,
  maxConnections: 10_000,
  eventCommitTimeoutMs: 10_000,
  failedConnects: {
    perIp: 20,
    perUsername: 10,
    windowMs: 10 * 60_000,
    cooldownMs: 5 * 60_000,
    delayMs: 1_000,
  },
};

/**
 * aedes reports its own limits and the protocol violations it finds as errors with these messages
 * (aedes 1.2.0); the parser's own errors are marked where the connection is accepted (gateway.ts).
 */
const AEDES_REFUSALS: [message: string, reason: string][] = [
  ['drain timeout', 'drain_timeout'],
  ['connect did not arrive in time', 'connect_timeout'],
  ['topic has too many levels', 'topic_levels'],
  ['keep alive timeout', 'keepalive_timeout'],
  // A packet its state does not allow, e.g. anything before CONNECT [MQTT-3.1.0-1] or a second one.
  ['Invalid protocol', 'malformed_packet'],
  ['packet received not valid', 'malformed_packet'],
  ['empty topic not allowed in PUBLISH', 'malformed_packet'],
  // [MQTT-3.3.2-2] no wildcard in a PUBLISH topic.
  ['# is not allowed in PUBLISH', 'malformed_packet'],
  ['+ is not allowed in PUBLISH', 'malformed_packet'],
  // CONNACK 1 and 2, sent by aedes before authentication [MQTT-3.1.2-2, MQTT-3.1.3-5].
  ['unacceptable protocol version', 'bad_connect'],
  ['identifier rejected', 'bad_connect'],
  // Unfinished incoming QoS 2 exchanges over the window: aedes' per connection, the store's per session.
  [INCOMING_WINDOW_FULL, 'qos2_window'],
];

/** aedes' own message for a full QoS 2 window names the limit after this. */
const AEDES_QOS2_WINDOW = 'maxInflightInbound exceeded';

/** The metric reason for an aedes client error that is one of its limits, else undefined. */
export function refusalOf(message: string): string | undefined {
  if (message.startsWith(AEDES_QOS2_WINDOW)) return 'qos2_window';
  return AEDES_REFUSALS.find(([text]) => message === text)?.[1];
}
