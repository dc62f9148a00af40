/**
 * The contract between the gateway and the server: MQTT topics of protocol v1, and the typed
 * events that travel on the hub's bus. Both sides import this file and nothing of each other.
 */
import type { AlertKind, Severity } from './alerts.ts';
import type { DeviceEvent, Readings } from './types.ts';
import type { Position } from './watches/types.ts';

export const PROTOCOL_PREFIX = 'eldercare/v1';
export type DeviceChannel = 'telemetry' | 'event' | 'status' | 'cmd';
const channels: readonly DeviceChannel[] = ['telemetry', 'event', 'status', 'cmd'];

/** Device ids: letters, digits, `-`, `_`, `.`, 1–64 characters, so they are safe as topic levels. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function deviceTopic(deviceId: string, channel: DeviceChannel): string {
  return `${PROTOCOL_PREFIX}/${deviceId}/${channel}`;
}

const TOPIC_PREFIX = `${PROTOCOL_PREFIX}/`;

/**
 * `eldercare/v1/{deviceId}/{channel}` → its parts, or null. Runs several times for every message
 * the broker takes, so it slices only the device id and returns the channel's own constant.
 */
export function parseDeviceTopic(topic: string): { deviceId: string; channel: DeviceChannel } | null {
  if (!topic.startsWith(TOPIC_PREFIX)) return null;
  const slash = topic.indexOf('/', TOPIC_PREFIX.length);
  if (slash < 0) return null;
  let channel: DeviceChannel | undefined;
  for (const candidate of channels) {
    if (topic.length === slash + 1 + candidate.length && topic.endsWith(candidate)) channel = candidate;
  }
  if (!channel) return null;
  const deviceId = topic.slice(TOPIC_PREFIX.length, slash);
  if (!DEVICE_ID_PATTERN.test(deviceId)) return null;
  return { deviceId, channel };
}

/** `{"online": bool, "battery"?: %, "fw"?: string}`, retained, and the will message. */
export interface DeviceStatusPayload {
  online: boolean;
  battery?: number;
  fw?: string;
}

/** Messages the hub sends to a device on its `cmd` topic. */
export type DeviceCommand =
  | { type: 'ack'; alertId: string; text: string }
  | { type: 'help_coming'; alertId: string; text: string }
  | { type: 'resolved'; alertId: string; text: string };

/** Kinds and severities are the alert vocabulary's (alerts.ts); named here too for the bus's users. */
export type { AlertKind, Severity } from './alerts.ts';

/** What a detection rule proposes; the server's alert workflow decides whether it opens an alert. */
export interface AlertCandidate {
  deviceId: string;
  kind: AlertKind;
  severity: Severity;
  ts: number;
  /** The device event behind it, when there is one: redelivery of the same event id is ignored. */
  eventId?: string;
  detail: Record<string, unknown>;
}

/** A device's fix as the bus carries it: WGS-84 degrees, epoch ms, as a watch reported it. */
export type DevicePosition = Position;

/** Where a `device.status` comes from (see HubEventMap). */
export type StatusSource = 'device' | 'connection';

/** Why a device's session was ended from the records side. */
export type RevocationCause = 'revoked' | 'secret_replaced';

/** Which sessions ended: one (sign-out), or every session of a user (new password, disabled account). */
export type SessionEnd = { tokenHash: string } | { userId: string };

/** Events on the hub's bus, keyed by name. */
export interface HubEventMap {
  'device.telemetry': { deviceId: string; deviceType: string; ts: number; readings: Readings };
  'device.event': { deviceId: string; deviceType: string; event: DeviceEvent };
  /**
   * Where a device was (a watch's fix), in WGS-84 as it sent it: the server keeps each retiree's
   * latest and checks it against their safe zone (server/location/).
   */
  'device.position': { deviceId: string; deviceType: string; position: DevicePosition };
  'device.status': {
    deviceId: string;
    online: boolean;
    ts: number;
    battery?: number;
    fw?: string;
    /**
     * Who says so: the device (its status message, its will, a bridge's availability report) or its
     * MQTT connection opening or closing. A closed connection is not the device going offline: a
     * device may connect for each press and leave with a clean DISCONNECT. Only a status of its
     * own (a will included) or silence past its timeout may raise `device_offline`.
     */
    source: StatusSource;
  };
  'message.rejected': { deviceId?: string; topic: string; reason: string };
  'alert.candidate': AlertCandidate;
  'device.command': { deviceId: string; command: DeviceCommand };
  /**
   * A device removed for good (`revoked`) or its secret replaced, in the records: the broker ends
   * its MQTT session at once; a revoked device is shown offline.
   */
  'device.revoked': { deviceId: string; cause: RevocationCause };
  /**
   * A watch's connection is ready for commands (it said who it is and, where its protocol asks,
   * authenticated): the commands waiting for it go out (server/watches/).
   */
  'device.linked': { deviceId: string };
  /**
   * A command for a watch was stored and the watch is not linked to this instance: the instance it
   * is linked to sends it (relayed between instances, server/cluster/relay.ts).
   */
  'watch.queued': { deviceId: string };
  /**
   * A voice note a watch recorded (3G `TK`), awaited like an alarm: the watch repeats it until
   * answered, so it is answered only once stored (server/watches/voice.ts).
   */
  'device.voice': { deviceId: string; ts: number; format: 'amr'; audio: Buffer };
  /** A device confirmed or refused a command it was sent; `key` is its protocol's `answerKey`. */
  'device.answered': { deviceId: string; key: string; ok: boolean; detail?: string };
  /** Staff sessions ended on the server: their live connections close. */
  'session.ended': SessionEnd;
  // `alert.changed` and `alert.escalated` carry the stored alert in the API's shape, which devices/
  // does not know: server/alerts/events.ts adds them to this map.
}
export type HubEventName = keyof HubEventMap;
