/**
 * The broker's state on disk (one class past 500 lines: it is aedes-persistence's whole interface,
 * sessions to wills, over one SQLite file): persistent sessions (clean=false) with their subscriptions, queued
 * QoS 1/2 deliveries (commands to a device that is offline), unfinished incoming QoS 2 exchanges,
 * retained messages (device status) and wills, in one SQLite file.
 *
 * Reads are served from aedes-persistence's in-memory structures (its qlobber trie matches a topic
 * to the sessions subscribed to it); every change is first written to SQLite, synchronously, and
 * the file is read back into memory when the broker starts. A change aedes has been told is done
 * (a QoS 1 PUBLISH acknowledged to its publisher after it was queued) is therefore on disk.
 *
 * Limits, so that a client that never comes back cannot fill the disk (counted in
 * `hub_broker_store_dropped_total{kind}` and in `dropped`):
 * - `maxQueuedPerClient` deliveries per session: beyond it the oldest one is dropped (the newest
 *   command is the one that still matters);
 * - `maxRetained` retained topics: a new topic beyond it is not retained (an existing one still
 *   updates). Sessions, subscriptions and wills are bounded by the registered devices (only they
 *   authenticate, and the topic ACL lets a device subscribe to its own `cmd` only);
 * - `maxIncomingPerClient` unfinished incoming QoS 2 exchanges per session, whatever its number of
 *   connections (aedes' own `maxInflightInbound` counts per connection): a new one beyond it is
 *   refused, and the broker closes that connection.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { Counter, Gauge, type Registry } from 'prom-client';
import {
  type BrokerPacket,
  DEFAULT_MAX_INCOMING_PER_CLIENT,
  INCOMING_WINDOW_FULL,
  MemoryPersistence,
  Packet,
  type SessionClient,
  type StoredSubscription,
} from './memory.ts';

export interface BrokerStoreOptions {
  /** Deliveries kept per session; the oldest is dropped beyond it. Default 1000. */
  maxQueuedPerClient?: number;
  /**
   * Unfinished incoming QoS 2 exchanges kept per session, across its connections; a new one beyond
   * it is refused and the broker closes the connection. Default 1000.
   */
  maxIncomingPerClient?: number;
  /** Retained topics kept; a new topic beyond it is not retained. Default 100 000. */
  maxRetained?: number;
  /**
   * `full` (default): each change is on disk before it is acknowledged, across a power cut too.
   * `normal`: survives the process being killed (WAL in the OS cache), not a power cut; fewer fsyncs.
   */
  synchronous?: 'full' | 'normal';
  /**
   * Wills of clients that were connected when the previous broker process ended (a crash, a power
   * cut) are published this long after start unless the client has come back and replaced its will
   * by then; null leaves them to aedes' own will sweep. Default 10 s.
   */
  previousRunWillsAfterMs?: number | null;
  /** Counts what the limits drop (`hub_broker_store_dropped_total`) and what is queued. */
  registry?: Registry;
  log?: { warn(object: object, message?: string): void; error(object: object, message?: string): void };
}

export const DEFAULT_BROKER_STORE_LIMITS = { maxQueuedPerClient: 1000, maxRetained: 100_000 };

/** The broker as the store sees it in `setup` (aedes' instance; a stand-in in aedes-persistence's tests). */
interface BrokerView {
  id: string;
  counter?: number;
  publish?(packet: object, done: (error?: Error | null) => void): void;
  authorizePublish?(client: null, packet: object, done: (error?: Error | null) => void): void;
}

interface QueuedDelivery {
  seq: number;
  packet: BrokerPacket;
}

interface PacketRow {
  cmd: string;
  broker_id: string | null;
  broker_counter: number | null;
  topic: string | null;
  payload: Buffer;
  qos: number;
  retain: number;
  dup: number;
  message_id: number | null;
  extra: string | null;
}

type PacketColumns = PacketRow;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS retained (
  topic TEXT PRIMARY KEY,
  cmd TEXT NOT NULL, broker_id TEXT, broker_counter INTEGER, payload BLOB NOT NULL,
  qos INTEGER NOT NULL, retain INTEGER NOT NULL, dup INTEGER NOT NULL, message_id INTEGER, extra TEXT
);
CREATE TABLE IF NOT EXISTS subscriptions (
  client_id TEXT NOT NULL, topic TEXT NOT NULL, qos INTEGER NOT NULL,
  -- rh, rap, nl and an MQTT 5 subscription identifier, as the client gave them (JSON)
  options TEXT,
  PRIMARY KEY (client_id, topic)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outgoing (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  client_id TEXT NOT NULL,
  cmd TEXT NOT NULL, broker_id TEXT, broker_counter INTEGER, topic TEXT, payload BLOB NOT NULL,
  qos INTEGER NOT NULL, retain INTEGER NOT NULL, dup INTEGER NOT NULL, message_id INTEGER, extra TEXT
);
CREATE INDEX IF NOT EXISTS outgoing_by_client ON outgoing (client_id, seq);
CREATE TABLE IF NOT EXISTS incoming (
  client_id TEXT NOT NULL, message_id INTEGER NOT NULL,
  cmd TEXT NOT NULL, broker_id TEXT, broker_counter INTEGER, topic TEXT, payload BLOB NOT NULL,
  qos INTEGER NOT NULL, retain INTEGER NOT NULL, dup INTEGER NOT NULL, extra TEXT,
  PRIMARY KEY (client_id, message_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS wills (
  client_id TEXT PRIMARY KEY,
  cmd TEXT NOT NULL, broker_id TEXT, broker_counter INTEGER, topic TEXT, payload BLOB NOT NULL,
  qos INTEGER NOT NULL, retain INTEGER NOT NULL, dup INTEGER NOT NULL, message_id INTEGER, extra TEXT
);
`;

const PACKET_COLUMNS = 'cmd, broker_id, broker_counter, topic, payload, qos, retain, dup, message_id, extra';
const PACKET_VALUES =
  '$cmd, $broker_id, $broker_counter, $topic, $payload, $qos, $retain, $dup, $message_id, $extra';
/** aedes-packet's own fields have columns; anything else a packet carries (`clientId`, MQTT 5 `properties`) is JSON. */
const COLUMN_FIELDS = new Set([
  'cmd',
  'brokerId',
  'brokerCounter',
  'topic',
  'payload',
  'qos',
  'retain',
  'dup',
  'messageId',
]);
const PREVIOUS_RUN = ':previous-run';

function bufferOf(payload: unknown): Buffer {
  if (Buffer.isBuffer(payload)) return payload;
  if (typeof payload === 'string') return Buffer.from(payload);
  if (payload instanceof Uint8Array)
    return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  return Buffer.alloc(0);
}

function columnsOf(packet: Partial<BrokerPacket>): PacketColumns {
  const extra: Record<string, unknown> = {};
  let extras = 0;
  for (const [field, value] of Object.entries(packet)) {
    if (COLUMN_FIELDS.has(field) || value === undefined || typeof value === 'function') continue;
    extra[field] = value;
    extras++;
  }
  return {
    cmd: packet.cmd ?? 'publish',
    broker_id: packet.brokerId ?? null,
    broker_counter: packet.brokerCounter ?? null,
    topic: packet.topic ?? null,
    payload: bufferOf(packet.payload),
    qos: packet.qos ?? 0,
    retain: packet.retain ? 1 : 0,
    dup: packet.dup ? 1 : 0,
    message_id: packet.messageId ?? null,
    extra: extras > 0 ? JSON.stringify(extra) : null,
  };
}

/** Buffers inside `extra` (MQTT 5 correlation data) were written by their toJSON. */
function reviveBuffers(_key: string, value: unknown): unknown {
  if (
    value !== null &&
    typeof value === 'object' &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  ) {
    return Buffer.from((value as { data: number[] }).data);
  }
  return value;
}

function packetOf(row: PacketRow): BrokerPacket {
  const packet: BrokerPacket = {
    cmd: row.cmd,
    topic: row.topic ?? '',
    payload: row.payload,
    qos: row.qos,
    retain: row.retain === 1,
    dup: row.dup === 1,
  };
  if (row.broker_id !== null) packet.brokerId = row.broker_id;
  if (row.broker_counter !== null) packet.brokerCounter = row.broker_counter;
  if (row.message_id !== null) packet.messageId = row.message_id;
  if (row.extra !== null) Object.assign(packet, JSON.parse(row.extra, reviveBuffers));
  return packet;
}

/** A packet as aedes-persistence queues it (`new Packet(packet)`), with the message id it had. */
function queuedPacketOf(row: PacketRow): BrokerPacket {
  const packet = new Packet(packetOf(row));
  if (row.message_id !== null) packet.messageId = row.message_id;
  return packet;
}

function nullable(value: number | undefined): number | null {
  return value ?? null;
}

/** A subscription's options besides its QoS, or null when it has none. */
function optionsOf(sub: StoredSubscription): string | null {
  const { topic: _topic, qos: _qos, ...options } = sub;
  const json = JSON.stringify(options);
  return json === '{}' ? null : json;
}

export class SqliteBrokerStore extends MemoryPersistence {
  readonly path: string;
  /** What the limits dropped since the store was opened. */
  readonly dropped = { queued: 0, retained: 0 };
  private readonly db: Database.Database;
  private readonly limits: { maxQueuedPerClient: number; maxRetained: number; maxIncomingPerClient: number };
  private readonly outgoing = new Map<string, QueuedDelivery[]>();
  private readonly incoming = new Map<string, Map<number, BrokerPacket>>();
  private readonly wills = new Map<string, BrokerPacket>();
  /** Clients whose will was kept by a broker process that has since ended. */
  private readonly previousRun = new Set<string>();
  private readonly retainedTopics = new Set<string>();
  private queuedCount = 0;
  private brokerView: BrokerView | undefined;
  private willTimer: NodeJS.Timeout | undefined;
  private destroyed = false;
  private readonly droppedCounter: Counter<'kind'> | undefined;
  private readonly statements;

  constructor(
    path: string,
    private readonly options: BrokerStoreOptions = {},
  ) {
    super();
    this.path = path;
    this.limits = {
      maxQueuedPerClient: Math.max(
        1,
        options.maxQueuedPerClient ?? DEFAULT_BROKER_STORE_LIMITS.maxQueuedPerClient,
      ),
      maxRetained: Math.max(1, options.maxRetained ?? DEFAULT_BROKER_STORE_LIMITS.maxRetained),
      maxIncomingPerClient: Math.max(1, options.maxIncomingPerClient ?? DEFAULT_MAX_INCOMING_PER_CLIENT),
    };
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    this.db = db;
    try {
      db.pragma('journal_mode = WAL');
      // WAL with FULL syncs the log at every commit: an acknowledged change survives a power cut.
      db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
      db.pragma('busy_timeout = 5000');
      db.exec(SCHEMA);
      this.statements = this.prepare(db);
    } catch (error) {
      db.close();
      throw error;
    }
    if (options.registry) {
      this.droppedCounter = new Counter({
        name: 'hub_broker_store_dropped_total',
        help: 'Broker state dropped by the store limits: queued deliveries over the per-session cap (kind="queued"), new retained topics over the cap (kind="retained")',
        labelNames: ['kind'],
        registers: [options.registry],
      });
      const store = this;
      new Gauge({
        name: 'hub_broker_store_queued_messages',
        help: 'Deliveries the broker store keeps for sessions (queued for offline clients, or awaiting their acknowledgement)',
        registers: [options.registry],
        collect() {
          this.set(store.queuedCount);
        },
      });
    }
  }

  private prepare(db: Database.Database) {
    return {
      putRetained: db.prepare(
        `INSERT OR REPLACE INTO retained (${PACKET_COLUMNS}) VALUES (${PACKET_VALUES})`,
      ),
      delRetained: db.prepare('DELETE FROM retained WHERE topic = ?'),
      putSubscription: db.prepare(
        'INSERT OR REPLACE INTO subscriptions (client_id, topic, qos, options) VALUES (?, ?, ?, ?)',
      ),
      delSubscription: db.prepare('DELETE FROM subscriptions WHERE client_id = ? AND topic = ?'),
      delSubscriptions: db.prepare('DELETE FROM subscriptions WHERE client_id = ?'),
      putOutgoing: db.prepare(
        `INSERT INTO outgoing (client_id, ${PACKET_COLUMNS}) VALUES ($client_id, ${PACKET_VALUES})`,
      ),
      setOutgoingMessageId: db.prepare('UPDATE outgoing SET message_id = ? WHERE seq = ?'),
      replaceOutgoing: db.prepare(
        `UPDATE outgoing SET (${PACKET_COLUMNS}) = (${PACKET_VALUES}) WHERE seq = $seq`,
      ),
      delOutgoing: db.prepare('DELETE FROM outgoing WHERE seq = ?'),
      outgoingOf: db.prepare(`SELECT seq, ${PACKET_COLUMNS} FROM outgoing WHERE client_id = ? ORDER BY seq`),
      putIncoming: db.prepare(
        `INSERT OR REPLACE INTO incoming (client_id, ${PACKET_COLUMNS}) VALUES ($client_id, ${PACKET_VALUES})`,
      ),
      delIncoming: db.prepare('DELETE FROM incoming WHERE client_id = ? AND message_id = ?'),
      delIncomingOf: db.prepare('DELETE FROM incoming WHERE client_id = ?'),
      putWill: db.prepare(
        `INSERT OR REPLACE INTO wills (client_id, ${PACKET_COLUMNS}) VALUES ($client_id, ${PACKET_VALUES})`,
      ),
      delWill: db.prepare('DELETE FROM wills WHERE client_id = ?'),
    };
  }

  // aedes checks that this is an async function.
  override async setup(broker: unknown): Promise<void> {
    await super.setup(broker);
    this.brokerView = broker as BrokerView;
    await this.load();
    const view = this.brokerView;
    // aedes numbers its packets from 0 at every start, under the same broker id: continue past the
    // deliveries still queued, so `outgoingUpdate` (which matches brokerId + brokerCounter) never
    // mistakes a new packet for one queued before the restart.
    const highest = this.db
      .prepare('SELECT max(broker_counter) AS highest FROM outgoing WHERE broker_id = ?')
      .get(view.id) as { highest: number | null };
    if (typeof view.counter === 'number' && highest.highest !== null && highest.highest > view.counter) {
      view.counter = highest.highest;
    }
    const after =
      this.options.previousRunWillsAfterMs === undefined ? 10_000 : this.options.previousRunWillsAfterMs;
    if (after !== null && this.previousRun.size > 0 && view.publish) {
      this.willTimer = setTimeout(() => {
        this.willTimer = undefined;
        this.publishPreviousRunWills().catch((error: unknown) =>
          this.options.log?.error({ err: error }, 'wills of the previous broker run not published'),
        );
      }, after);
      this.willTimer.unref();
    }
  }

  /** Reads the file back into memory. */
  private async load(): Promise<void> {
    for (const row of this.db.prepare(`SELECT ${PACKET_COLUMNS} FROM retained`).all() as PacketRow[]) {
      await super.storeRetained(packetOf(row));
      this.retainedTopics.add(row.topic ?? '');
    }
    const subscriptions = new Map<string, StoredSubscription[]>();
    for (const row of this.db.prepare('SELECT client_id, topic, qos, options FROM subscriptions').all() as {
      client_id: string;
      topic: string;
      qos: number;
      options: string | null;
    }[]) {
      const sub: StoredSubscription = {
        topic: row.topic,
        qos: row.qos,
        ...(row.options === null ? {} : (JSON.parse(row.options) as Partial<StoredSubscription>)),
      };
      const list = subscriptions.get(row.client_id) ?? [];
      list.push(sub);
      subscriptions.set(row.client_id, list);
    }
    for (const [id, subs] of subscriptions) await super.addSubscriptions({ id }, subs);
    for (const row of this.db
      .prepare(`SELECT seq, client_id, ${PACKET_COLUMNS} FROM outgoing ORDER BY seq`)
      .all() as (PacketRow & { seq: number; client_id: string })[]) {
      const queue = this.outgoing.get(row.client_id) ?? [];
      queue.push({ seq: row.seq, packet: queuedPacketOf(row) });
      this.outgoing.set(row.client_id, queue);
      this.queuedCount++;
    }
    for (const row of this.db
      .prepare(`SELECT client_id, ${PACKET_COLUMNS} FROM incoming`)
      .all() as (PacketRow & { client_id: string; message_id: number })[]) {
      const store = this.incoming.get(row.client_id) ?? new Map<number, BrokerPacket>();
      store.set(row.message_id, queuedPacketOf(row));
      this.incoming.set(row.client_id, store);
    }
    for (const row of this.db
      .prepare(`SELECT client_id, ${PACKET_COLUMNS} FROM wills`)
      .all() as (PacketRow & {
      client_id: string;
    })[]) {
      this.wills.set(row.client_id, packetOf(row));
      this.previousRun.add(row.client_id);
    }
  }

  private drop(kind: 'queued' | 'retained', details: object): void {
    this.dropped[kind]++;
    this.droppedCounter?.inc({ kind });
    this.options.log?.warn({ kind, ...details }, 'broker store limit reached: dropped');
  }

  // --- retained messages -------------------------------------------------------------------

  override async storeRetained(packet: BrokerPacket): Promise<void> {
    const topic = packet.topic;
    if (bufferOf(packet.payload).length === 0) {
      // [MQTT-3.3.1-10] an empty retained message removes the one kept for its topic.
      this.statements.delRetained.run(topic);
      this.retainedTopics.delete(topic);
    } else {
      if (!this.retainedTopics.has(topic) && this.retainedTopics.size >= this.limits.maxRetained) {
        this.drop('retained', { topic });
        return;
      }
      this.statements.putRetained.run(columnsOf(packet));
      this.retainedTopics.add(topic);
    }
    await super.storeRetained(packet);
  }

  // --- subscriptions -----------------------------------------------------------------------

  override async addSubscriptions(client: SessionClient, subs: StoredSubscription[]): Promise<void> {
    this.db.transaction(() => {
      for (const sub of subs) {
        this.statements.putSubscription.run(client.id, sub.topic, sub.qos, optionsOf(sub));
      }
    })();
    await super.addSubscriptions(client, subs);
  }

  override async removeSubscriptions(client: SessionClient, topics: string[]): Promise<void> {
    this.db.transaction(() => {
      for (const topic of topics) this.statements.delSubscription.run(client.id, topic);
    })();
    await super.removeSubscriptions(client, topics);
  }

  override async cleanSubscriptions(client: SessionClient): Promise<void> {
    this.statements.delSubscriptions.run(client.id);
    await super.cleanSubscriptions(client);
  }

  // --- queued deliveries -------------------------------------------------------------------

  /** Queues in memory and on disk; the caller runs it in a transaction. */
  private enqueue(clientId: string, original: BrokerPacket): void {
    const packet = new Packet(original);
    let queue = this.outgoing.get(clientId);
    if (!queue) {
      queue = [];
      this.outgoing.set(clientId, queue);
    }
    while (queue.length >= this.limits.maxQueuedPerClient) {
      const oldest = queue[0] as QueuedDelivery;
      this.statements.delOutgoing.run(oldest.seq);
      queue.shift();
      this.queuedCount--;
      this.drop('queued', { clientId, topic: oldest.packet.topic });
    }
    const { lastInsertRowid } = this.statements.putOutgoing.run({
      client_id: clientId,
      ...columnsOf(packet),
    });
    queue.push({ seq: Number(lastInsertRowid), packet });
    this.queuedCount++;
  }

  /**
   * Runs a change of queued deliveries in one transaction; should the disk refuse it, the memory
   * of those clients is read back from the file, which stays the truth.
   */
  private changeOutgoing(clientIds: string[], change: () => void): void {
    try {
      this.db.transaction(change)();
    } catch (error) {
      for (const clientId of new Set(clientIds)) this.reloadOutgoing(clientId);
      throw error;
    }
  }

  private reloadOutgoing(clientId: string): void {
    this.queuedCount -= this.outgoing.get(clientId)?.length ?? 0;
    const rows = this.statements.outgoingOf.all(clientId) as (PacketRow & { seq: number })[];
    if (rows.length === 0) {
      this.outgoing.delete(clientId);
      return;
    }
    this.outgoing.set(
      clientId,
      rows.map((row) => ({ seq: row.seq, packet: queuedPacketOf(row) })),
    );
    this.queuedCount += rows.length;
  }

  async outgoingEnqueue(sub: { clientId: string }, packet: BrokerPacket): Promise<void> {
    this.changeOutgoing([sub.clientId], () => this.enqueue(sub.clientId, packet));
  }

  async outgoingEnqueueCombi(subs: { clientId: string }[], packet: BrokerPacket): Promise<void> {
    if (subs.length === 0) return;
    this.changeOutgoing(
      subs.map((sub) => sub.clientId),
      () => {
        for (const sub of subs) this.enqueue(sub.clientId, packet);
      },
    );
  }

  async outgoingUpdate(client: SessionClient, packet: BrokerPacket): Promise<void> {
    const queue = this.outgoing.get(client.id) ?? [];
    for (const entry of queue) {
      const queued = entry.packet;
      if (queued.brokerId === packet.brokerId) {
        if (queued.brokerCounter === packet.brokerCounter) {
          this.statements.setOutgoingMessageId.run(nullable(packet.messageId), entry.seq);
          queued.messageId = packet.messageId;
          return;
        }
        // The message id (at most 65535) wraps; brokerId + brokerCounter is what is unique.
      } else if (queued.messageId === packet.messageId) {
        this.statements.replaceOutgoing.run({ seq: entry.seq, ...columnsOf(packet) });
        entry.packet = packet;
        return;
      }
    }
    throw new Error('no such packet');
  }

  async outgoingClearMessageId(
    client: SessionClient,
    packet: { messageId?: number },
  ): Promise<BrokerPacket | undefined> {
    const queue = this.outgoing.get(client.id);
    if (!queue) return undefined;
    const index = queue.findIndex((entry) => entry.packet.messageId === packet.messageId);
    const entry = queue[index];
    if (!entry) return undefined;
    this.statements.delOutgoing.run(entry.seq);
    queue.splice(index, 1);
    this.queuedCount--;
    if (queue.length === 0) this.outgoing.delete(client.id);
    return entry.packet;
  }

  outgoingStream(client: SessionClient): Readable {
    // A copy: aedes delivers from it while new deliveries are queued.
    return Readable.from((this.outgoing.get(client.id) ?? []).map((entry) => entry.packet));
  }

  // --- incoming QoS 2 ----------------------------------------------------------------------

  override async incomingStorePacket(client: SessionClient, packet: BrokerPacket): Promise<void> {
    const held = this.incoming.get(client.id);
    if (held && !held.has(packet.messageId as number) && held.size >= this.limits.maxIncomingPerClient) {
      throw new Error(INCOMING_WINDOW_FULL);
    }
    const stored = new Packet(packet);
    stored.messageId = packet.messageId;
    this.statements.putIncoming.run({ client_id: client.id, ...columnsOf(stored) });
    let store = this.incoming.get(client.id);
    if (!store) {
      store = new Map();
      this.incoming.set(client.id, store);
    }
    store.set(packet.messageId as number, stored);
  }

  override async incomingGetPacket(
    client: SessionClient,
    packet: { messageId?: number },
  ): Promise<BrokerPacket> {
    const stored = this.incoming.get(client.id)?.get(packet.messageId as number);
    if (!stored) throw new Error('no such packet');
    return stored;
  }

  override async incomingDelPacket(client: SessionClient, packet: { messageId?: number }): Promise<void> {
    const store = this.incoming.get(client.id);
    if (!store?.has(packet.messageId as number)) throw new Error('no such packet');
    this.statements.delIncoming.run(client.id, packet.messageId);
    store.delete(packet.messageId as number);
    if (store.size === 0) this.incoming.delete(client.id);
  }

  override async cleanIncoming(client: SessionClient): Promise<void> {
    this.statements.delIncomingOf.run(client.id);
    this.incoming.delete(client.id);
  }

  // --- wills -------------------------------------------------------------------------------

  async putWill(client: SessionClient, packet: BrokerPacket): Promise<void> {
    packet.brokerId = (this.brokerView as BrokerView).id;
    packet.clientId = client.id;
    this.statements.putWill.run({ client_id: client.id, ...columnsOf(packet) });
    this.wills.set(client.id, packet);
    this.previousRun.delete(client.id);
  }

  async getWill(client: SessionClient): Promise<BrokerPacket | undefined> {
    return this.wills.get(client.id);
  }

  async delWill(client: SessionClient): Promise<BrokerPacket | undefined> {
    const will = this.wills.get(client.id);
    this.statements.delWill.run(client.id);
    this.wills.delete(client.id);
    this.previousRun.delete(client.id);
    return will;
  }

  /**
   * The wills of brokers not in `brokers` (aedes passes the ones it heard from lately). A will kept
   * by the previous run of this broker is streamed too, under a broker id of its own: the hub's
   * broker keeps its id across restarts, so aedes would otherwise take it for a live broker's.
   */
  streamWill(brokers: Record<string, unknown> = {}): Readable {
    const wills: BrokerPacket[] = [];
    for (const [clientId, will] of this.wills) {
      if (this.previousRun.has(clientId))
        wills.push({ ...will, brokerId: `${will.brokerId}${PREVIOUS_RUN}` });
      else if (!will.brokerId || !brokers[will.brokerId]) wills.push(will);
    }
    return Readable.from(wills);
  }

  /**
   * Publishes the wills of clients that were connected when the previous broker process ended and
   * have not come back since, as aedes does for a connection that drops [MQTT-3.1.2-8].
   */
  async publishPreviousRunWills(): Promise<number> {
    const broker = this.brokerView;
    if (!broker?.publish) return 0;
    let published = 0;
    for (const clientId of [...this.previousRun]) {
      const will = this.wills.get(clientId);
      if (!will || this.destroyed) continue;
      const packet = {
        cmd: 'publish',
        topic: will.topic,
        payload: will.payload,
        qos: will.qos,
        retain: will.retain,
        dup: false,
        ...(will.properties ? { properties: will.properties } : {}),
      };
      const authorize = broker.authorizePublish?.bind(broker);
      if (authorize)
        await new Promise<void>((resolve, reject) =>
          authorize(null, packet, (e) => (e ? reject(e) : resolve())),
        );
      const publish = broker.publish.bind(broker);
      await new Promise<void>((resolve, reject) => publish(packet, (e) => (e ? reject(e) : resolve())));
      published++;
      // The client may have come back meanwhile, with a will of its own.
      if (this.previousRun.has(clientId) && !this.destroyed) await this.delWill({ id: clientId });
    }
    return published;
  }

  // -------------------------------------------------------------------------------------------

  override async destroy(): Promise<void> {
    if (this.destroyed) throw new Error('destroyed called twice!');
    this.destroyed = true;
    if (this.willTimer) clearTimeout(this.willTimer);
    await super.destroy();
    this.db.close();
  }
}

/**
 * Opens the broker's store at `path` (created if absent), for `GatewayOptions.persistence`.
 * `destroy()` closes it; aedes' `close()` does not.
 */
export function openBrokerStore(path: string, options: BrokerStoreOptions = {}): SqliteBrokerStore {
  return new SqliteBrokerStore(path, options);
}
