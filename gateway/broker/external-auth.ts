/**
 * Devices on a broker other than the hub's own (an EMQX cluster): the broker asks the hub whether a
 * CONNECT may go on and what the client may publish and subscribe to, and the hub answers by the
 * same rules its embedded broker applies (./access.ts): a device's client id and username are its
 * id, its password its secret; it publishes under `eldercare/v1/{id}/` (only its status retained)
 * and subscribes to its own `cmd`; a Zigbee2MQTT bridge works under its base topic. Failed CONNECTs
 * are counted per address and per username as on the embedded broker (./failed-connects.ts), and
 * each refusal is told (`onRefused`) for the security page, as the embedded broker's are.
 *
 * Transport-free: the HTTP endpoints a broker calls (server/broker/) hand it what the broker sent.
 */
import { DEVICE_ID_PATTERN, deviceTopic } from '../../devices/contract.ts';
import { BRIDGE_TYPE, DEFAULT_BASE_TOPIC } from '../../devices/zigbee/index.ts';
import { canConnect, canPublish, canSubscribe } from './access.ts';
import { type FailedConnectSettings, FailedConnects } from './failed-connects.ts';
import type { DeviceDirectory, DeviceIdentity } from './gateway.ts';
import type { Refusal } from './refusals.ts';

const SYS_PREFIX = '$SYS';

/** What a broker knows of a CONNECT. */
export interface ExternalConnect {
  clientId: string;
  username?: string | undefined;
  password?: string | undefined;
  /** The client's address as the broker saw it. */
  address?: string | undefined;
}

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
  onRefused: (refusal: Refusal) => void;
  failedConnects: FailedConnectSettings;
  clock?: () => number;
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
  private readonly failed: FailedConnects;
  private readonly clock: () => number;

  constructor(private readonly options: ExternalAuthOptions) {
    this.failed = new FailedConnects(options.failedConnects);
    this.clock = options.clock ?? Date.now;
  }

  /** Whether a CONNECT may go on; with the device's access list when it may. */
  async connect({ clientId, username, password, address }: ExternalConnect): Promise<ConnectVerdict> {
    const now = this.clock();
    // Only well-formed device ids are tallied per username, so made-up names cannot fill memory.
    const account = username && DEVICE_ID_PATTERN.test(username) ? username : undefined;
    const refuse = (reason: string, message: string, counts = true): ConnectVerdict => {
      if (counts) this.failed.failed(address, account, this.clock());
      this.options.count?.('connect', reason);
      this.options.onRefused({
        at: this.clock(),
        reason,
        returnCode: 5,
        address: address ?? null,
        clientId: clientId || null,
        deviceId: account ?? null,
      });
      return { allow: false, reason: message };
    };
    const admission = this.failed.admit(address, account, now);
    if (admission.verdict === 'refuse')
      return refuse(admission.reason, 'too many failed attempts, try later', false);
    if (admission.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, admission.delayMs));
    const refusal = canConnect(clientId, username);
    if (refusal || !username) return refuse('identity', refusal ?? 'refused');
    if (!password) return refuse('no_secret', 'missing secret');
    if (this.options.directory.isRevoked?.(username)) return refuse('revoked', 'device revoked');
    const identity = await this.options.directory.authenticate(username, password);
    if (!identity) return refuse('bad_secret', 'unknown device or wrong secret');
    this.failed.succeeded(address);
    this.options.count?.('connect', 'allow');
    return { allow: true, deviceId: username, type: identity.type, rules: accessRules(username, identity) };
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
    if (request.topic === SYS_PREFIX || request.topic.startsWith(`${SYS_PREFIX}/`)) {
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

  /** Forgets failures past their window; call it every minute or so. */
  prune(): void {
    this.failed.prune(this.clock());
  }
}
