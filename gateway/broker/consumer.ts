/**
 * The hub's devices on an external MQTT broker (Mosquitto, EMQX) instead of its embedded one: the
 * hub is a client of that broker, and each instance consumes the device topics through MQTT 5
 * shared subscriptions (`$share/<group>/…`), so each message goes to one instance of the group.
 *
 * Nothing is lost between the broker and the records:
 * - QoS 1 with a persistent session (Clean Start 0, a session expiry) under a client id that is the
 *   instance's own across restarts: what the broker routed to an instance while it was away waits
 *   for it in its session.
 * - An event is acknowledged (PUBACK) only once its alert is committed (`customHandleAcks`). A
 *   failure or a timeout leaves it unacknowledged and the connection is dropped: the broker sends it
 *   again when the session resumes, and its event id makes the retry open no second alert.
 * - A broker does not hand an absent member's share to the others (Mosquitto 2.0 keeps queueing
 *   for it). So when a consumer connection drops without a clean end (its will), or its instance
 *   stops, another live instance takes its session over: it connects under that client id,
 *   unsubscribes it, handles what was queued, and ends the session. Which instance does so is also
 *   decided by a shared subscription, on a connection of its own that keeps no session (so only
 *   live instances are asked). The will is retained, and every instance also reads the retained
 *   wills every few seconds: a will the broker handed to a member that was dying itself (an
 *   instance's two connections end together) is still found. The taker clears it once the session
 *   is ended; an instance that starts again clears its own and resumes its session.
 *
 * Commands to devices are published to the broker by the instance that handles them. Messages are
 * handled in order, one at a time per connection (the MQTT client waits for each acknowledgement).
 *
 * Each instance consumes on two lanes, a connection and a group each (`consumerLanes`): the alerts
 * lane takes the events, the statuses and the Zigbee bridges' topics and sends the commands; the
 * telemetry lane takes the readings. A broker queues and limits (Mosquitto's max_queued_messages)
 * per connection, so a backlog of readings never holds up an SOS behind it nor has the broker drop
 * one; each lane's sessions are taken over by the same lane of another instance.
 */
import os from 'node:os';
import type { IClientOptions, MqttClient } from 'mqtt';
import type { Counter, Registry } from 'prom-client';
import promClient from 'prom-client';
import type { EventBus } from '../../devices/bus.ts';
import { deviceTopic, PROTOCOL_PREFIX, parseDeviceTopic } from '../../devices/contract.ts';
import { countersIn, type Logger } from '../observe.ts';
import { baseTopicOf } from '../zigbee/bridges.ts';
import type { DeviceMessages } from './device-messages.ts';
import type { DeviceDirectory, DeviceIdentity } from './gateway.ts';
import { connectAtOnce } from './mqtt-client.ts';

const OWNER = 'broker-consumer';

export type ConsumerLane = 'alerts' | 'telemetry';

/** The device channels each lane takes; the alerts lane also takes the bridges' base topics. */
const LANE_CHANNELS: Record<ConsumerLane, readonly (typeof DEVICE_CHANNELS)[number][]> = {
  alerts: ['status', 'event'],
  telemetry: ['telemetry'],
};

/**
 * The lanes of an instance's consumer, with the client id and the group of each: the alerts lane
 * keeps the instance's own client id and group, so that a session and its wills carry over.
 */
export function consumerLanes(
  clientId: string,
  group: string,
): { lane: ConsumerLane; clientId: string; group: string }[] {
  return [
    { lane: 'alerts', clientId, group },
    { lane: 'telemetry', clientId: `${clientId.slice(0, 54)}-telemetry`, group: `${group}-telemetry` },
  ];
}

/** Every consumer lane of a registry, for the one gauge they report together. */
const lanesOf = new WeakMap<Registry, BrokerConsumer[]>();
/** Where each consumer connection's will says it is gone: `<prefix>/<group>/<client id>`. */
const PRESENCE_PREFIX = 'junxiu-hub/consumers';
const DEVICE_CHANNELS = ['status', 'telemetry', 'event'] as const;
/** A session being taken over is done once nothing more came for this long. */
const DRAIN_QUIET_MS = 500;
/** How often the bridges on record are compared with the topics followed. */
const BRIDGE_CHECK_MS = 30_000;
/**
 * Readings whose judging may be under way before the telemetry lane takes the next one: beyond it,
 * the lane waits, and the broker holds the rest.
 */
const READINGS_JUDGED_AT_ONCE = 200;
/** How often the retained wills of gone consumers are looked for. */
const PRESENCE_SWEEP_MS = 5_000;

export interface ConsumerOptions {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /** The instance's own client id, the same across its restarts. */
  clientId: string;
  /** The shared-subscription group all instances of the hub join. */
  group: string;
  /** Which device messages this connection takes (see `consumerLanes`). */
  lane: ConsumerLane;
  /** How long the broker keeps an absent instance's session (seconds). */
  sessionExpirySeconds: number;
  /** How long an event may take to be committed before it is left unacknowledged. */
  eventCommitTimeoutMs: number;
  directory: DeviceDirectory;
  messages: DeviceMessages;
  bus: EventBus;
  log: Logger;
  registry: Registry;
  /** How long to wait between connection attempts. */
  reconnectMs?: number;
}

/**
 * Subscribes `topics` at QoS 1; resolves with those the broker refused (reason code 0x80 and
 * above), rejects when the connection failed first. A topic the MQTT client left out of the packet,
 * since it holds that subscription already, counts as taken.
 */
function subscribeRefusing(client: MqttClient, topics: string[]): Promise<Set<string>> {
  return new Promise((resolve, reject) => {
    client.subscribe(topics, { qos: 1 }, (error, grants, packet) => {
      if (!error) {
        resolve(new Set());
        return;
      }
      // The answer's reason codes are in the order of the subscriptions sent.
      const codes = packet?.granted as number[] | undefined;
      if (!grants || !codes) {
        reject(error);
        return;
      }
      resolve(new Set(grants.filter((_, index) => (codes[index] ?? 0) >= 0x80).map((grant) => grant.topic)));
    });
  });
}

/** A client id for this instance: the host and the data folder, so it is the same after a restart. */
export function instanceClientId(dataDir: string, name?: string): string {
  if (name) return `junxiu-hub-${name}`;
  let hash = 0;
  for (const char of dataDir) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  return `junxiu-hub-${os.hostname()}-${hash.toString(36)}`.slice(0, 64);
}

export class BrokerConsumer {
  private client: MqttClient | undefined;
  private presence: MqttClient | undefined;
  private bridgeTimer: NodeJS.Timeout | undefined;
  private presenceTimer: NodeJS.Timeout | undefined;
  /**
   * The reading of retained messages under way, by its name: each reads on a connection whose
   * client id is made of the name, so two of one name at once would close each other's.
   */
  private readonly reading = new Map<string, Promise<void>>();
  /** Zigbee2MQTT base topics followed, with the bridge each belongs to. */
  private bridgeBases = new Map<string, string>();
  /** The base topics whose subscription the broker has granted on the current connection. */
  private readonly followed = new Set<string>();
  /** Who waits to hear whether a base topic is followed: true once granted, false when refused. */
  private readonly awaitingFollow = new Map<string, Set<(followed: boolean) => void>>();
  private readonly draining = new Set<string>();
  private readonly metrics: {
    takeovers: Counter<'outcome'>;
    redeliveries: Counter;
  };
  private stopping = false;
  /** The device topics are subscribed on the current connection. */
  private subscribed = false;
  private readonly owner: string;

  constructor(private readonly options: ConsumerOptions) {
    this.owner = `${OWNER}-${options.lane}`;
    const counter = countersIn(options.registry);
    this.metrics = {
      takeovers: counter(
        'hub_broker_session_takeovers_total',
        "Sessions of another instance's consumer this instance took over and ended (outcome: drained, or empty)",
        'outcome',
      ),
      redeliveries: counter(
        'hub_broker_redeliveries_total',
        'Device messages the external broker sent again (not acknowledged before)',
      ),
    };
    const lanes = lanesOf.get(options.registry);
    if (lanes) {
      lanes.push(this);
      return;
    }
    const all = [this];
    lanesOf.set(options.registry, all);
    new promClient.Gauge({
      name: 'hub_broker_consumer_connected',
      help: '1 while the hub is connected to the external broker and subscribed to the device topics on every lane',
      registers: [options.registry],
      collect() {
        this.set(all.every((lane) => lane.consuming()) ? 1 : 0);
      },
    });
  }

  /** Connected, and subscribed to this lane's device topics. */
  consuming(): boolean {
    return this.client?.connected === true && this.subscribed;
  }

  /** The shared subscriptions of the device topics: the channels devices publish on, and the bridges'. */
  /**
   * Subscribes the device topics. A broker that restored this session from its disk after a
   * restart may route nothing to the shared subscriptions it restored, and take the same SUBSCRIBE
   * as one it already has (Mosquitto 2.0.11 does). So on a resumed session they are taken out and
   * made again; meanwhile the same topics under a group of this connection alone bridge the round
   * trip, so that nothing published in between goes to no one (a message it brings twice is
   * known by its event id).
   */
  private async subscribe(client: MqttClient, resumed: boolean): Promise<void> {
    const bases = [...this.bridgeBases.keys()];
    const topics = this.topics();
    let refused: Set<string>;
    if (!resumed) {
      refused = await subscribeRefusing(client, topics);
    } else {
      const bridge = this.topics(`${this.options.group}-resume-${this.options.clientId}`);
      await subscribeRefusing(client, bridge);
      await client.unsubscribeAsync([...topics, ...this.otherLanesTopics()]);
      refused = await subscribeRefusing(client, topics);
      await client.unsubscribeAsync(bridge);
    }
    this.granted(bases, refused);
    const channels = topics.filter(
      (topic) => refused.has(topic) && !bases.some((base) => this.baseFilter(base) === topic),
    );
    if (channels.length > 0) throw new Error(`the broker refused ${channels.join(', ')}`);
  }

  /**
   * Notes which of the bridges' base topics the broker took on this connection (those it did not
   * refuse) and tells whoever waits for them.
   */
  private granted(bases: string[], refused: Set<string>): void {
    for (const base of bases) {
      const ok = !refused.has(this.baseFilter(base));
      if (ok) this.followed.add(base);
      else this.options.log.error({ base, lane: this.options.lane }, 'the broker refused the bridge topics');
      for (const tell of this.awaitingFollow.get(base) ?? []) tell(ok);
    }
  }

  /** The shared subscription of a bridge's base topic. */
  private baseFilter(base: string, group = this.options.group): string {
    return `$share/${group}/${base}/#`;
  }

  private topics(group = this.options.group): string[] {
    const share = `$share/${group}/`;
    return [
      ...LANE_CHANNELS[this.options.lane].map((channel) => `${share}${PROTOCOL_PREFIX}/+/${channel}`),
      ...[...this.bridgeBases.keys()].map((base) => this.baseFilter(base, group)),
    ];
  }

  /**
   * The channels of the other lanes under this lane's group: a session kept from before the lanes
   * (one connection took every channel) holds them, and would go on taking them beside the lane
   * that takes them now.
   */
  private otherLanesTopics(): string[] {
    const own: readonly string[] = LANE_CHANNELS[this.options.lane];
    return DEVICE_CHANNELS.filter((channel) => !own.includes(channel)).map(
      (channel) => `$share/${this.options.group}/${PROTOCOL_PREFIX}/+/${channel}`,
    );
  }

  /** The bridges' base topics, each with its bridge: on the alerts lane. */
  private readBridges(): Map<string, string> {
    const bases = new Map<string, string>();
    if (this.options.lane !== 'alerts') return bases;
    for (const { deviceId } of this.options.directory.bridges?.() ?? []) {
      bases.set(baseTopicOf(this.options.directory.lookup(deviceId)?.options), deviceId);
    }
    return bases;
  }

  private connectOptions(clientId: string, extra: Partial<IClientOptions> = {}): IClientOptions {
    return {
      clientId,
      ...(this.options.username !== undefined ? { username: this.options.username } : {}),
      ...(this.options.password !== undefined ? { password: this.options.password } : {}),
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: this.options.sessionExpirySeconds, receiveMaximum: 100 },
      reconnectPeriod: this.options.reconnectMs ?? 2000,
      // Refused (its account not made yet, a password being changed): it tries again all the same.
      reconnectOnConnackError: true,
      connectTimeout: 10_000,
      ...extra,
    };
  }

  async start(): Promise<void> {
    const { clientId } = this.options;
    this.bridgeBases = this.readBridges();
    const client = connectAtOnce(
      this.options.url,
      this.connectOptions(clientId, {
        // A connection that drops without a clean end says so: another instance takes its session over.
        will: {
          topic: this.presenceTopic(clientId),
          payload: Buffer.from('gone'),
          qos: 1,
          retain: true,
        },
        customHandleAcks: (topic, payload, packet, done) =>
          void this.handle(this.client, topic, payload, packet.dup, done),
      }),
    );
    this.client = client;
    // A new connection follows the bridges again only once the broker has granted them on it.
    client.on('close', () => this.followed.clear());
    client.on('connect', (connack) => {
      // This instance resumes its session: its will from an earlier run is void.
      client.publish(this.presenceTopic(clientId), Buffer.alloc(0), { qos: 1, retain: true }, () => {});
      this.options.log.info(
        { url: this.options.url, clientId, lane: this.options.lane, sessionPresent: connack.sessionPresent },
        'consuming device topics from the external broker',
      );
      this.subscribed = false;
      this.subscribe(client, connack.sessionPresent === true).then(
        () => {
          this.subscribed = true;
        },
        (error: unknown) => this.options.log.error({ err: error }, 'device topics not subscribed'),
      );
      if (this.options.lane === 'alerts') {
        this.relearn().catch((error: unknown) =>
          this.options.log.error({ err: error }, 'retained device statuses not read'),
        );
      }
    });
    client.on('error', (error) => this.options.log.warn({ err: error.message }, 'external broker'));
    client.on('offline', () => this.options.log.warn({ clientId }, 'external broker unreachable; retrying'));

    // Only live instances hear that a consumer is gone: this connection keeps no session.
    const presence = connectAtOnce(
      this.options.url,
      this.connectOptions(`${clientId}-presence`.slice(0, 64), {
        clean: true,
        properties: { sessionExpiryInterval: 0 },
      }),
    );
    this.presence = presence;
    presence.on('connect', () => {
      presence.subscribe(`$share/${this.options.group}-takeover/${this.presenceTopic('+')}`, { qos: 1 });
      this.findGone();
    });
    this.presenceTimer = setInterval(() => this.findGone(), PRESENCE_SWEEP_MS);
    this.presenceTimer.unref();
    presence.on('message', (topic, payload) => {
      const gone = this.goneOf(topic);
      if (payload.length > 0 && gone && gone !== clientId && !this.stopping) void this.takeOver(gone);
    });
    presence.on('error', () => {});

    if (this.options.lane === 'alerts') {
      this.options.bus.on('device.command', this.owner, ({ deviceId, command }) => {
        client.publish(deviceTopic(deviceId, 'cmd'), JSON.stringify(command), { qos: 1 }, (error) => {
          if (error) this.options.log.error({ deviceId, err: error.message }, 'command not sent');
        });
      });
      this.options.bus.on('device.revoked', this.owner, ({ deviceId }) =>
        this.options.messages.forget(deviceId),
      );
      // A bridge registered through this instance is followed at once, before it first publishes
      // (the broker keeps nothing for a topic nobody subscribed); one registered through another
      // instance is followed there at once, and here at the next check.
      this.options.bus.on('directory.changed', this.owner, ({ kind }) => {
        if (kind === 'device') this.followBridges();
      });
      this.bridgeTimer = setInterval(() => this.followBridges(), BRIDGE_CHECK_MS);
      this.bridgeTimer.unref();
    }
    await new Promise<void>((resolve) => {
      // The hub starts without the broker and keeps trying; it waits only for a first answer.
      const done = () => {
        client.off('connect', done);
        client.off('error', done);
        client.off('offline', done);
        resolve();
      };
      client.on('connect', done);
      client.on('error', done);
      client.on('offline', done);
    });
  }

  /**
   * Follows the base topic of a bridge registered since. While the connection is down, the next
   * one subscribes it with the rest.
   */
  followBridges(): void {
    const bases = this.readBridges();
    const added = [...bases.keys()].filter((base) => !this.bridgeBases.has(base));
    this.bridgeBases = bases;
    const client = this.client;
    if (added.length === 0 || !client?.connected) return;
    subscribeRefusing(
      client,
      added.map((base) => this.baseFilter(base)),
    ).then(
      (refused) => this.granted(added, refused),
      // Not answered on this connection (it dropped): the next one subscribes them again.
      () => {},
    );
  }

  /**
   * Resolves true once this lane follows the base topic `base` of a bridge on record, false when
   * the broker refuses it or `timeoutMs` passes first (the broker unreachable all that while). A
   * broker keeps nothing for a topic nobody subscribed, so until then what the bridge publishes is
   * lost. Only the alerts lane takes the bridges' topics; the others answer true at once.
   */
  follows(base: string, timeoutMs: number): Promise<boolean> {
    if (this.options.lane !== 'alerts') return Promise.resolve(true);
    this.followBridges();
    if (this.followed.has(base)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiting = this.awaitingFollow.get(base) ?? new Set();
      this.awaitingFollow.set(base, waiting);
      const tell = (followed: boolean) => {
        clearTimeout(timer);
        waiting.delete(tell);
        if (waiting.size === 0 && this.awaitingFollow.get(base) === waiting) this.awaitingFollow.delete(base);
        resolve(followed);
      };
      const timer = setTimeout(() => tell(false), timeoutMs);
      waiting.add(tell);
    });
  }

  /** Which device published `topic`: its own topics, or a bridge's base topic. */
  private senderOf(topic: string): { deviceId: string; identity: DeviceIdentity | undefined } | undefined {
    const parsed = parseDeviceTopic(topic);
    if (parsed)
      return { deviceId: parsed.deviceId, identity: this.options.directory.lookup(parsed.deviceId) };
    for (const [base, bridgeId] of this.bridgeBases) {
      if (topic.startsWith(`${base}/`)) {
        return { deviceId: bridgeId, identity: this.options.directory.lookup(bridgeId) };
      }
    }
    return undefined;
  }

  /**
   * One message on `connection`; acknowledged when handled, else the connection is dropped. Resolves
   * once it is settled: true when acknowledged, false when left for the broker to send again.
   */
  private handle(
    connection: MqttClient | undefined,
    topic: string,
    payload: Buffer,
    dup: boolean,
    done: (error: Error | number, code?: number) => void,
  ): Promise<boolean> {
    if (dup) this.metrics.redeliveries.inc();
    const sender = this.senderOf(topic);
    if (!sender) {
      done(0);
      return Promise.resolve(true);
    }
    const { deviceId, identity } = sender;
    let handled: Promise<void> | undefined;
    try {
      handled = identity
        ? this.options.messages.handle(deviceId, identity, { topic, payload })
        : this.handleUnknown(deviceId, topic, payload);
    } catch (error) {
      handled = Promise.reject(error);
    }
    if (!handled) {
      // Acknowledged at once; readings only while not too many are still being judged (the
      // alerts lane never waits on them).
      const room =
        this.options.lane === 'telemetry'
          ? this.options.messages.roomForReadings(READINGS_JUDGED_AT_ONCE)
          : undefined;
      if (!room) {
        done(0);
        return Promise.resolve(true);
      }
      return room.then(() => {
        done(0);
        return true;
      });
    }
    const work = handled;
    return new Promise<boolean>((settled) => {
      this.options.messages.settleWithin(
        deviceId,
        topic,
        work,
        this.options.eventCommitTimeoutMs,
        (error) => {
          if (!error) {
            done(0);
            settled(true);
            return;
          }
          // Left unacknowledged: the connection is dropped so the broker sends it again on resuming.
          done(error);
          connection?.stream.destroy();
          settled(false);
        },
      );
    });
  }

  /**
   * A device this instance does not know: registered on another instance a moment ago, perhaps, so
   * it is read from the records before its message is judged. One revoked or removed since the
   * broker let it publish is refused for good.
   */
  private async handleUnknown(deviceId: string, topic: string, payload: Buffer): Promise<void> {
    await this.options.directory.refreshDevice?.(deviceId);
    const identity = this.options.directory.lookup(deviceId);
    if (!identity) {
      this.options.messages.reject(deviceId, topic, 'unknown_device: not on record or revoked');
      return;
    }
    await this.options.messages.handle(deviceId, identity, { topic, payload });
  }

  /** Where the will of a consumer of this group (`+`: of any) is published. */
  private presenceTopic(clientId: string): string {
    return `${PRESENCE_PREFIX}/${this.options.group}/${clientId}`;
  }

  /** The client id a will's topic names. */
  private goneOf(topic: string): string {
    return topic.slice(this.presenceTopic('').length);
  }

  /** Takes over the session of every consumer whose retained will says it is gone. */
  private findGone(): void {
    // A sweep still reading (a slow broker, a busy host) is not doubled: the next tick looks again.
    if (this.stopping || this.reading.has('wills')) return;
    const own = this.options.clientId;
    this.readRetained([this.presenceTopic('+')], 'wills', async (_client, topic) => {
      const gone = this.goneOf(topic);
      if (gone && gone !== own && !this.stopping) void this.takeOver(gone);
    }).catch((error: unknown) => this.options.log.warn({ err: (error as Error).message }, 'wills not read'));
  }

  /**
   * Takes over the session of another instance's consumer that went away: handles what the broker
   * queued for it and ends the session, so the group's next messages go to live instances only.
   */
  async takeOver(clientId: string): Promise<void> {
    if (this.draining.has(clientId) || this.stopping) return;
    this.draining.add(clientId);
    let received = 0;
    const pending = new Set<Promise<boolean>>();
    let failed = false;
    let lastAt = Date.now();
    const client: MqttClient = connectAtOnce(
      this.options.url,
      this.connectOptions(clientId, {
        reconnectPeriod: 0,
        customHandleAcks: (topic, payload, packet, done) => {
          received += 1;
          lastAt = Date.now();
          const settled = this.handle(client, topic, payload, packet.dup, done);
          pending.add(settled);
          void settled.then((acknowledged) => {
            pending.delete(settled);
            lastAt = Date.now();
            if (!acknowledged) failed = true;
          });
        },
      }),
    );
    client.on('error', () => {});
    try {
      const present = await new Promise<boolean>((resolve, reject) => {
        client.once('connect', (connack) => resolve(connack.sessionPresent === true));
        client.once('close', () => reject(new Error('connection closed')));
      });
      if (present) {
        // Nothing new is routed to it; what was queued or left unacknowledged comes now.
        await client.unsubscribeAsync(this.topics());
        while (pending.size > 0 || Date.now() - lastAt < DRAIN_QUIET_MS) {
          if (failed || !client.connected) throw new Error('a message was not handled');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      // Its will is answered; then the session ends with the connection.
      await client.publishAsync(this.presenceTopic(clientId), Buffer.alloc(0), { qos: 1, retain: true });
      await client.endAsync(false, { reasonCode: 0, properties: { sessionExpiryInterval: 0 } });
      this.metrics.takeovers.inc({ outcome: present ? 'drained' : 'empty' });
      this.options.log.warn({ clientId, present, received }, "took over a gone instance's broker session");
      this.draining.delete(clientId);
    } catch (error) {
      client.end(true);
      this.draining.delete(clientId);
      if (failed && !this.stopping) {
        // What was not handled stays in the session; tried again shortly.
        this.options.log.error({ clientId }, 'broker session take-over left messages unhandled; retrying');
        setTimeout(() => void this.takeOver(clientId), 5000).unref();
      } else {
        // Its instance came back and took its session again, or the broker went away.
        this.options.log.info({ clientId, err: (error as Error).message }, 'broker session not taken over');
      }
    }
  }

  /**
   * What the broker retains under the topic filters, read on a short connection of its own (a
   * shared subscription is sent no retained message): `each` is given every message, and may
   * publish on that connection.
   */
  private readRetained(
    filters: string[],
    name: string,
    each: (client: MqttClient, topic: string, payload: Buffer) => Promise<void>,
  ): Promise<void> {
    if (filters.length === 0) return Promise.resolve();
    // One reading of a name at a time: a second waits for the first to end.
    const before = this.reading.get(name) ?? Promise.resolve();
    const run = before
      .catch(() => {})
      .then(() => this.readRetainedOnce(filters, name, each))
      .finally(() => {
        if (this.reading.get(name) === run) this.reading.delete(name);
      });
    this.reading.set(name, run);
    return run;
  }

  private async readRetainedOnce(
    filters: string[],
    name: string,
    each: (client: MqttClient, topic: string, payload: Buffer) => Promise<void>,
  ): Promise<void> {
    const client = connectAtOnce(
      this.options.url,
      this.connectOptions(`${this.options.clientId}-${name}`.slice(0, 64), {
        clean: true,
        properties: { sessionExpiryInterval: 0 },
        reconnectPeriod: 0,
      }),
    );
    client.on('error', () => {});
    const found: { topic: string; payload: Buffer }[] = [];
    client.on('message', (topic, payload, packet) => {
      if (packet.retain && payload.length > 0) found.push({ topic, payload });
    });
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('close', () => reject(new Error('the broker closed the connection')));
      });
      // The broker sends what it retains right after its SUBACK; a last round trip lets it arrive.
      await client.subscribeAsync(filters, { qos: 1 });
      await client.unsubscribeAsync(filters);
      for (const { topic, payload } of found) await each(client, topic, payload);
    } finally {
      await client.endAsync().catch(() => client.end(true));
    }
  }

  /**
   * What the devices last said of themselves, as the broker retains it: each device's status
   * (online, or offline by its will) and each bridge's device list. Read at each connection, since
   * the devices stay connected to the broker while the hub restarts.
   */
  private async relearn(): Promise<void> {
    const filters = [
      deviceTopic('+', 'status'),
      ...[...this.bridgeBases.keys()].map((base) => `${base}/bridge/devices`),
    ];
    let read = 0;
    await this.readRetained(filters, 'retained', async (_client, topic, payload) => {
      const sender = this.senderOf(topic);
      if (!sender?.identity) return;
      read += 1;
      await this.options.messages.handle(sender.deviceId, sender.identity, { topic, payload });
    });
    this.options.log.info(
      { read },
      'retained device statuses and bridge lists read from the external broker',
    );
  }

  /**
   * Clears what the broker retains under the given topic filters (a deleted person's device status):
   * each retained message found is replaced by an empty retained publish, which removes it
   * [MQTT-3.3.1-10]. Resolves with the topics cleared.
   */
  async clearRetained(filters: string[]): Promise<string[]> {
    const topics: string[] = [];
    await this.readRetained(filters, 'clear', async (client, topic) => {
      await client.publishAsync(topic, Buffer.alloc(0), { qos: 1, retain: true });
      topics.push(topic);
    });
    return topics;
  }

  /**
   * Stops consuming: nothing more is taken, what is being handled is finished, and the session is
   * left to the broker with a word to the other instances, one of which takes it over (alone, the
   * instance finds it again when it starts).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.options.bus.removeOwner(this.owner);
    if (this.bridgeTimer) clearInterval(this.bridgeTimer);
    if (this.presenceTimer) clearInterval(this.presenceTimer);
    const client = this.client;
    if (client?.connected) {
      // Unacknowledged messages stay in the session; the others hear it is free.
      await client.endAsync(false, { reasonCode: 4 }).catch(() => client.end(true));
    } else {
      client?.end(true);
    }
    await this.presence?.endAsync(true).catch(() => {});
  }
}
