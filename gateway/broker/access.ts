/**
 * Who may do what on the broker. A device's client id and username are its device id, its password
 * its secret; it may publish only under `eldercare/v1/{its id}/` and subscribe only to its own `cmd`.
 * A Zigbee2MQTT bridge (type `bridge.zigbee2mqtt`) publishes under its own base topic instead.
 */
import { DEVICE_ID_PATTERN, deviceTopic, parseDeviceTopic } from '../../devices/contract.ts';
import { BRIDGE_TYPE, DEFAULT_BASE_TOPIC } from '../../devices/zigbee/index.ts';

/** What the ACL needs to know of a client beyond its id. */
export interface AccessIdentity {
  type: string;
  options?: { baseTopic?: string };
}

function bridgeBase(identity: AccessIdentity | undefined): string | null {
  if (identity?.type !== BRIDGE_TYPE) return null;
  return identity.options?.baseTopic ?? DEFAULT_BASE_TOPIC;
}

export type PublishDecision = { allow: true; retain: boolean } | { allow: false; reason: string };

export function canConnect(clientId: string, username: string | undefined): string | null {
  if (!username) return 'missing username';
  if (!DEVICE_ID_PATTERN.test(username)) return 'malformed device id';
  // The client id must be the device id, so a session belongs to exactly one device.
  if (clientId !== username) return 'client id differs from device id';
  return null;
}

export function canPublish(
  deviceId: string,
  topic: string,
  retain: boolean,
  identity?: AccessIdentity,
): PublishDecision {
  const base = bridgeBase(identity);
  if (base !== null) {
    // Zigbee2MQTT retains what it means to (bridge/devices, availability); it is its namespace.
    if (topic.startsWith(`${base}/`)) return { allow: true, retain };
    return { allow: false, reason: `topic ${topic} is outside this bridge's base topic ${base}` };
  }
  const parsed = parseDeviceTopic(topic);
  if (!parsed || parsed.deviceId !== deviceId)
    return { allow: false, reason: `topic ${topic} is not this device's` };
  if (parsed.channel === 'cmd') return { allow: false, reason: 'devices do not publish commands' };
  // Only the status is retained: a retained SOS would replay to every new subscriber.
  return { allow: true, retain: parsed.channel === 'status' ? retain : false };
}

export function canSubscribe(deviceId: string, topic: string, identity?: AccessIdentity): boolean {
  const base = bridgeBase(identity);
  // Zigbee2MQTT subscribes to `<base>/#` at start (it listens for its own `/set` requests); a
  // filter inside its base topic sees nothing of the retirees' native devices. Each bridge on
  // the hub has its own base topic (POST /api/devices refuses a second bridge on the same one).
  if (base !== null) return topic === `${base}/#` || topic.startsWith(`${base}/`);
  return topic === deviceTopic(deviceId, 'cmd');
}
