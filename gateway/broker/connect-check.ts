/**
 * Whether a device's CONNECT may go on, decided once for every broker the hub answers for: its
 * embedded aedes (./gateway.ts) and a broker that asks over HTTP (./external-auth.ts, EMQX).
 * In order: the failed-attempt tallies (./failed-connects.ts), the identity rules (./access.ts), the
 * secret, revocation, the device's record, and the will when the CONNECT carries one. Each refusal
 * is counted against the address and username (except a cool-down's own), kept for the security
 * page (./refusals.ts) and told on the bus (`device.refused`), whichever broker it came through.
 */
import type { EventBus } from '../../devices/bus.ts';
import { DEVICE_ID_PATTERN } from '../../devices/contract.ts';
import type { Logger } from '../observe.ts';
import type { TallyStore } from '../tallies.ts';
import { canConnect, canPublish } from './access.ts';
import { type FailedConnectSettings, FailedConnects } from './failed-connects.ts';
import type { DeviceDirectory, DeviceIdentity } from './gateway.ts';
import { RefusalLog } from './refusals.ts';

// CONNACK return codes (MQTT 3.1.1 §3.2.2.3).
export const IDENTIFIER_REJECTED = 2;
export const SERVER_UNAVAILABLE = 3;
export const BAD_USERNAME_OR_PASSWORD = 4;
export const NOT_AUTHORIZED = 5;

export const SYS_PREFIX = '$SYS';

export function isSysTopic(topic: string): boolean {
  return topic === SYS_PREFIX || topic.startsWith(`${SYS_PREFIX}/`);
}

/** What a broker knows of a CONNECT. */
export interface ConnectAttempt {
  clientId: string;
  username?: string | undefined;
  password?: string | Buffer | undefined;
  /** The client's address as the broker saw it. */
  address?: string | undefined;
  /** What the CONNECT packet itself said, when the broker is the hub's own. */
  packet?: {
    emptyClientId: boolean;
    clean: boolean;
    will?: { topic: string; retain?: boolean } | undefined;
  };
}

export type ConnectDecision =
  | { allow: true; deviceId: string; identity: DeviceIdentity }
  | {
      allow: false;
      /** As counted in `hub_mqtt_auth_failures_total{reason}`. */
      reason: string;
      /** Told to the client and logged. */
      message: string;
      returnCode: number;
    };

export interface ConnectCheckOptions {
  directory: DeviceDirectory;
  bus: EventBus;
  log: Logger;
  failedConnects: FailedConnectSettings;
  /** Where the failed-attempt tallies live: Redis, shared by the hub's instances; memory when absent. */
  tallies?: TallyStore | undefined;
  /** How many recent refusals the security page shows. */
  refusalCapacity?: number | undefined;
  clock?: () => number;
}

export class ConnectCheck {
  private readonly failed: FailedConnects;
  private readonly clock: () => number;
  /** Recent refused connections (bounded), for the security page and burst detection. */
  readonly refusals: RefusalLog;

  constructor(private readonly options: ConnectCheckOptions) {
    this.failed = new FailedConnects(options.failedConnects, options.tallies);
    this.clock = options.clock ?? Date.now;
    this.refusals = new RefusalLog(options.refusalCapacity);
  }

  async decide(attempt: ConnectAttempt): Promise<ConnectDecision> {
    const { clientId, username, password, address, packet } = attempt;
    // Only well-formed device ids are tallied per username, so made-up names cannot fill memory.
    const account = username && DEVICE_ID_PATTERN.test(username) ? username : undefined;
    const refuse = async (reason: string, message: string, returnCode = NOT_AUTHORIZED, counts = true) => {
      if (counts) await this.failed.failed(address, account, this.clock());
      const refusal = {
        at: this.clock(),
        reason,
        returnCode,
        address: address ?? null,
        clientId: clientId || null,
        deviceId: account ?? null,
      };
      this.refusals.add(refusal);
      this.options.bus.emit('device.refused', refusal);
      this.options.log.warn(
        { address, clientId, deviceId: account, reason: message },
        'mqtt connection refused',
      );
      return { allow: false as const, reason, message, returnCode };
    };
    const admission = await this.failed.admit(address, account, this.clock());
    if (admission.verdict === 'refuse') {
      return refuse(admission.reason, 'too many failed attempts, try later', NOT_AUTHORIZED, false);
    }
    if (admission.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, admission.delayMs));
    // [MQTT-3.1.3-8] an empty client id asking for a persistent session is refused with 0x02.
    if (packet?.emptyClientId && !packet.clean) {
      return refuse('empty_client_id', 'empty client id with a persistent session', IDENTIFIER_REJECTED);
    }
    const refusal = packet?.emptyClientId
      ? 'client id differs from device id'
      : canConnect(clientId, username);
    if (refusal || !username) return refuse('identity', refusal ?? 'refused');
    if (!password || password.length === 0) return refuse('no_secret', 'missing secret');
    if (this.options.directory.isRevoked?.(username)) return refuse('revoked', 'device revoked');
    const secret = typeof password === 'string' ? password : password.toString('utf8');
    const identity = await this.options.directory.authenticate(username, secret);
    if (!identity) {
      return refuse('bad_secret', 'unknown device or wrong secret', BAD_USERNAME_OR_PASSWORD);
    }
    // The will is a publish like any other, decided now so a device learns of it at CONNACK.
    const will = packet?.will;
    if (
      will &&
      (isSysTopic(will.topic) || !canPublish(username, will.topic, will.retain === true, identity).allow)
    ) {
      return refuse('will', `will topic ${will.topic} is not this device's`);
    }
    await this.failed.succeeded(address);
    return { allow: true, deviceId: username, identity };
  }

  /** Forgets failures past their window; called every minute or so. */
  prune(): void {
    this.failed.prune(this.clock());
  }
}
