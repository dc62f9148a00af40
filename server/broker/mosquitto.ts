/**
 * Devices on a Mosquitto broker (2.0 or later, with its dynamic-security plugin): the hub keeps
 * each device's account there as it keeps it in its own records, through the plugin's control API
 * (JSON commands published to `$CONTROL/dynamic-security/v1`, answers on `…/response`, as the
 * plugin's documentation describes). A device's account is a client whose username and client id
 * are its id, with its secret as password, and a role of its own allowing what the embedded broker
 * allows (gateway/broker/access.ts): publishing its `status`, `telemetry` and `event`, subscribing
 * to its `cmd`; a Zigbee2MQTT bridge its base topic. Rotating a secret sets the new password;
 * revoking disables the client, which Mosquitto also disconnects at once.
 *
 * A device registered before the hub kept Mosquitto's accounts gets its account when its secret is
 * rotated. Mosquitto's access lists do not tell a retained publish from another: a device there could
 * leave an event retained, which the embedded broker refuses.
 */
import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { deviceTopic } from '../../devices/contract.ts';
import { BRIDGE_TYPE, DEFAULT_BASE_TOPIC } from '../../devices/zigbee/index.ts';
import { connectAtOnce } from '../../gateway/index.ts';

const CONTROL = '$CONTROL/dynamic-security/v1';
const RESPONSE = `${CONTROL}/response`;

/** The role a device's account holds: its own topics. */
export function roleOf(deviceId: string): string {
  return `device:${deviceId}`;
}

/** The role of the hub's own account. */
export const HUB_ROLE = 'junxiu-hub';

interface Acl {
  acltype: 'publishClientSend' | 'subscribeLiteral' | 'subscribePattern';
  topic: string;
  allow: boolean;
}

/** What a device may do, as Mosquitto access-list entries. */
export function aclsOf(deviceId: string, type: string, baseTopic?: string): Acl[] {
  if (type === BRIDGE_TYPE) {
    const base = baseTopic ?? DEFAULT_BASE_TOPIC;
    return [
      { acltype: 'publishClientSend', topic: `${base}/#`, allow: true },
      { acltype: 'subscribePattern', topic: `${base}/#`, allow: true },
    ];
  }
  return [
    { acltype: 'publishClientSend', topic: deviceTopic(deviceId, 'status'), allow: true },
    { acltype: 'publishClientSend', topic: deviceTopic(deviceId, 'telemetry'), allow: true },
    { acltype: 'publishClientSend', topic: deviceTopic(deviceId, 'event'), allow: true },
    { acltype: 'subscribeLiteral', topic: deviceTopic(deviceId, 'cmd'), allow: true },
  ];
}

/** Mosquitto refused a command, or did not answer. */
export class MosquittoError extends Error {}

type Command = Record<string, unknown> & { command: string };
interface Answer {
  command: string;
  error?: string;
  correlationData?: string;
  data?: unknown;
}

export interface MosquittoSettings {
  url: string;
  username: string;
  password: string;
  /** How long a command may wait for its answer. */
  timeoutMs?: number;
}

export class MosquittoAccounts {
  private readonly waiting = new Map<string, { resolve: (answer: Answer) => void; timer: NodeJS.Timeout }>();

  private constructor(
    private readonly client: MqttClient,
    private readonly timeoutMs: number,
    private readonly url: string,
  ) {
    client.on('message', (topic, payload) => {
      if (topic !== RESPONSE) return;
      let answers: Answer[];
      try {
        answers = (JSON.parse(payload.toString('utf8')) as { responses?: Answer[] }).responses ?? [];
      } catch {
        return;
      }
      for (const answer of answers) {
        const pending = answer.correlationData ? this.waiting.get(answer.correlationData) : undefined;
        if (!pending) continue;
        clearTimeout(pending.timer);
        this.waiting.delete(answer.correlationData as string);
        pending.resolve(answer);
      }
    });
  }

  /**
   * Connects as the plugin's administrator, and keeps connecting while Mosquitto is away: the hub
   * starts without it. `onConnect` runs at each (re)connection (the revocations are applied again).
   */
  static open(settings: MosquittoSettings, onConnect: () => void): MosquittoAccounts {
    const client = connectAtOnce(settings.url, {
      username: settings.username,
      password: settings.password,
      clientId: `junxiu-hub-accounts-${randomUUID().slice(0, 8)}`,
      protocolVersion: 5,
      reconnectPeriod: 2000,
      connectTimeout: settings.timeoutMs ?? 10_000,
    });
    const accounts = new MosquittoAccounts(client, settings.timeoutMs ?? 10_000, settings.url);
    client.on('connect', () => {
      client.subscribe(RESPONSE, { qos: 1 }, (error) => {
        if (!error) onConnect();
      });
    });
    // Reported by `connected` and each command's refusal; the client keeps trying.
    client.on('error', () => {});
    return accounts;
  }

  /**
   * Sends commands in one message, which the plugin carries out in order, and waits for all their
   * answers. A command's `tolerate` names errors that are no failure (an account already there).
   */
  private async send(...steps: { command: Command; tolerate?: RegExp }[]): Promise<void> {
    if (!this.client.connected) throw new MosquittoError('not connected to Mosquitto');
    const named = steps.map((step) => ({ ...step, correlationData: randomUUID() }));
    const answers = named.map(
      ({ command, correlationData }) =>
        new Promise<Answer>((resolve, reject) => {
          const timer = setTimeout(() => {
            this.waiting.delete(correlationData);
            reject(
              new MosquittoError(`Mosquitto did not answer ${command.command} within ${this.timeoutMs} ms`),
            );
          }, this.timeoutMs);
          this.waiting.set(correlationData, { resolve, timer });
        }),
    );
    const commands = named.map(({ command, correlationData }) => ({ ...command, correlationData }));
    this.client.publish(CONTROL, JSON.stringify({ commands }), { qos: 1 });
    const settled = await Promise.allSettled(answers);
    for (const [index, outcome] of settled.entries()) {
      const { command, tolerate } = named[index] as (typeof named)[number];
      if (outcome.status === 'rejected') throw outcome.reason;
      const { error } = outcome.value;
      if (error && !(tolerate?.test(error) ?? false)) {
        throw new MosquittoError(`Mosquitto refused ${command.command}: ${error}`);
      }
    }
  }

  /**
   * The commands that make the device's account as it should be, whatever was there before: its
   * role with its topics, the client with its id and secret, enabled.
   */
  private accountSteps(device: { id: string; type: string; baseTopic?: string }, secret: string) {
    const rolename = roleOf(device.id);
    const acls = aclsOf(device.id, device.type, device.baseTopic);
    const client = { username: device.id, clientid: device.id, password: secret, roles: [{ rolename }] };
    return [
      { command: { command: 'createRole', rolename, acls }, tolerate: /already exists/i },
      { command: { command: 'modifyRole', rolename, acls } },
      { command: { command: 'createClient', ...client }, tolerate: /already exists/i },
      { command: { command: 'modifyClient', ...client } },
      { command: { command: 'enableClient', username: device.id } },
    ];
  }

  /** The device's account, made or brought back to what it should be, in one message. */
  async provision(device: { id: string; type: string; baseTopic?: string }, secret: string): Promise<void> {
    await this.send(...this.accountSteps(device, secret));
  }

  /**
   * A new secret: the old one stops working, and the session it opened is closed. The account is
   * made when the device has none yet. One message.
   */
  async rotate(device: { id: string; type: string; baseTopic?: string }, secret: string): Promise<void> {
    await this.send(
      ...this.accountSteps(device, secret),
      // Disabling closes the session the old secret opened; enabling lets the new secret in.
      { command: { command: 'disableClient', username: device.id } },
      { command: { command: 'enableClient', username: device.id } },
    );
  }

  /**
   * The hub's own account, with which its instances consume the device topics (`HUB_BROKER_USER`):
   * it subscribes to every device's topics (shared subscriptions included) and publishes commands
   * and what the instances tell each other; it has no part in the plugin's control topics.
   */
  async provisionHub(username: string, password: string): Promise<void> {
    const rolename = HUB_ROLE;
    const acls: Acl[] = [
      { acltype: 'subscribePattern', topic: '#', allow: true },
      { acltype: 'subscribePattern', topic: '$share/#', allow: true },
      { acltype: 'publishClientSend', topic: '#', allow: true },
    ];
    const client = { username, password, roles: [{ rolename }] };
    await this.send(
      { command: { command: 'createRole', rolename, acls }, tolerate: /already exists/i },
      { command: { command: 'createClient', ...client }, tolerate: /already exists/i },
      { command: { command: 'enableClient', username } },
    );
    // An account there already (another instance made it) is changed only when it does not take
    // this password: changing it closes the connections of every instance that signs in with it.
    if (await this.accepts(username, password)) return;
    await this.send(
      { command: { command: 'modifyRole', rolename, acls } },
      { command: { command: 'modifyClient', ...client } },
    );
  }

  /** Whether the broker lets `username` sign in with `password` (on a short connection of its own). */
  private accepts(username: string, password: string): Promise<boolean> {
    return new Promise((resolve) => {
      const probe = connectAtOnce(this.url, {
        username,
        password,
        clientId: `${username}-check-${randomUUID().slice(0, 8)}`,
        protocolVersion: 5,
        reconnectPeriod: 0,
        connectTimeout: this.timeoutMs,
      });
      const done = (accepted: boolean) => {
        probe.end(true);
        resolve(accepted);
      };
      probe.once('connect', () => done(true));
      probe.once('error', () => done(false));
      probe.once('close', () => done(false));
    });
  }

  /** Revoked: the account can no longer sign in, and its connection is closed now. */
  async revoke(deviceId: string): Promise<void> {
    await this.send({ command: { command: 'disableClient', username: deviceId }, tolerate: /not found/i });
  }

  /** Takes out an account whose device was never registered after all. */
  async remove(deviceId: string): Promise<void> {
    await this.send(
      { command: { command: 'deleteClient', username: deviceId }, tolerate: /not found/i },
      { command: { command: 'deleteRole', rolename: roleOf(deviceId) }, tolerate: /not found/i },
    );
  }

  async close(): Promise<void> {
    for (const { timer } of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    await this.client.endAsync(true);
  }
}
