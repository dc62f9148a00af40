/**
 * Who may do what on the broker. A device's client id and username are its device id, its password
 * its secret; it may publish only under `eldercare/v1/{its id}/` and subscribe only to its own `cmd`.
 */
import { DEVICE_ID_PATTERN, deviceTopic, parseDeviceTopic } from '../../devices/contract.ts';

export type PublishDecision = { allow: true; retain: boolean } | { allow: false; reason: string };

export function canConnect(clientId: string, username: string | undefined): string | null {
  if (!username) return 'missing username';
  if (!DEVICE_ID_PATTERN.test(username)) return 'malformed device id';
  // The client id must be the device id, so a session belongs to exactly one device.
  if (clientId !== username) return 'client id differs from device id';
  return null;
}

export function canPublish(deviceId: string, topic: string, retain: boolean): PublishDecision {
  const parsed = parseDeviceTopic(topic);
  if (!parsed || parsed.deviceId !== deviceId)
    return { allow: false, reason: `topic ${topic} is not this device's` };
  if (parsed.channel === 'cmd') return { allow: false, reason: 'devices do not publish commands' };
  // Only the status is retained: a retained SOS would replay to every new subscriber.
  return { allow: true, retain: parsed.channel === 'status' ? retain : false };
}

export function canSubscribe(deviceId: string, topic: string): boolean {
  return topic === deviceTopic(deviceId, 'cmd');
}
