/**
 * Devices on a broker other than the hub's own (an EMQX cluster): the broker asks the hub whether a
 * CONNECT may go on and what the client may publish and subscribe to, and the hub answers by the
 * same rules its embedded broker applies (./access.ts): a device's client id and username are its
 * id, its password its secret; it publishes under `eldercare/v1/{id}/` (only its status retained)
 * and subscribes to its own `cmd`; a Zigbee2MQTT bridge works under its base topic. A CONNECT is
 * decided by the embedded broker's own check (./connect-check.ts): the same failed-attempt tallies,
 * and its refusals on the same security page.
 *
 * Transport-free: the HTTP endpoints a broker calls (server/broker/) hand it what the broker sent.
 */
import { deviceTopic } from '../../devices/contract.ts';
import { BRIDGE_TYPE, DEFAULT_BASE_TOPIC } from '../../devices/zigbee/index.ts';
import { canPublish, canSubscribe } from './access.ts';
import { type ConnectAttempt, type ConnectCheck, isSysTopic, SYS_PREFIX } from './connect-check.ts';
import type { DeviceDirectory, DeviceIdentity } from './gateway.ts';

/** What a broker knows of a CONNECT. */
export type ExternalConnect = Omit<ConnectAttempt, 'packet'>;

/** A rule of the client's access list, as brokers that take one with the answer read it. */
export interface AccessRule {
  permission: 'allow' | 'deny';
  action: 'publish' | 'subscribe' | 'all';
  topic: string;
  /** For a publish rule: the retain flag it matches. */
  retain?: boolean;
}

export type ConnectVerdict =
  | { allow: true; deviceId: string; type: string; rules: AccessRule[] }
  | { allow: false; reason: string };

export interface ExternalAuthOptions {
  directory: DeviceDirectory;
  /** The embedded broker's check: one tally of failed attempts, one list of refusals. */
  connects: ConnectCheck;
  /** Counted per outcome: `allow`, or the reason of a refusal. */
  count?: (hook: 'connect' | 'publish' | 'subscribe', outcome: string) => void;
}

/** The access list of a device: its own topics, nothing else. */
export function accessRules(
  deviceId: string,
  identity: Pick<DeviceIdentity, 'type' | 'options'>,
): AccessRule[] {
  if (identity.type === BRIDGE_TYPE) {
    const base = (identity.options as { baseTopic?: string } | undefined)?.baseTopic ?? DEFAULT_BASE_TOPIC;
    return [
      { permission: 'allow', action: 'all', topic: `${base}/#` },
      { permission: 'deny', action: 'all', topic: '#' },
    ];
  }
  return [
    { permission: 'allow', action: 'publish', topic: deviceTopic(deviceId, 'status') },
    { permission: 'allow', action: 'publish', topic: deviceTopic(deviceId, 'telemetry'), retain: false },
    { permission: 'allow', action: 'publish', topic: deviceTopic(deviceId, 'event'), retain: false },
    { permission: 'allow', action: 'subscribe', topic: deviceTopic(deviceId, 'cmd') },
    { permission: 'deny', action: 'all', topic: '#' },
  ];
}

export class ExternalBrokerAuth {
  constructor(private readonly options: ExternalAuthOptions) {}

  /** Whether a CONNECT may go on; with the device's access list when it may. */
  async connect(attempt: ExternalConnect): Promise<ConnectVerdict> {
    const decision = await this.options.connects.decide(attempt);
    this.options.count?.('connect', decision.allow ? 'allow' : decision.reason);
    if (!decision.allow) return { allow: false, reason: decision.message };
    const { deviceId, identity } = decision;
    return { allow: true, deviceId, type: identity.type, rules: accessRules(deviceId, identity) };
  }

  /** Whether a connected client may publish to `topic` (with `retain`) or subscribe to it. */
  authorize(request: {
    clientId: string;
    username?: string | undefined;
    action: 'publish' | 'subscribe';
    topic: string;
    retain?: boolean;
  }): { allow: boolean; reason?: string } {
    const deny = (reason: string) => {
      this.options.count?.(request.action, 'deny');
      return { allow: false, reason };
    };
    const deviceId = request.username ?? request.clientId;
    if (request.clientId !== deviceId) return deny('client id differs from device id');
    if (isSysTopic(request.topic)) {
      return deny(`${SYS_PREFIX}/ topics are reserved to the broker`);
    }
    // A device revoked while connected does nothing more.
    const identity = this.options.directory.lookup(deviceId);
    if (!identity) return deny('unknown or revoked device');
    if (request.action === 'subscribe') {
      if (!canSubscribe(deviceId, request.topic, identity))
        return deny(`topic ${request.topic} is not this device's`);
    } else {
      const decision = canPublish(deviceId, request.topic, request.retain === true, identity);
      if (!decision.allow) return deny(decision.reason);
      // The embedded broker clears a retain flag it does not keep; a broker asking can only refuse.
      if (request.retain === true && !decision.retain) return deny('only a status is retained');
    }
    this.options.count?.(request.action, 'allow');
    return { allow: true };
  }
}
