/**
 * aedes-persistence's in-memory store and aedes' packet class, typed as this folder uses them.
 * Both are CommonJS without types for these entry points, so they are loaded with `require`.
 */
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';

export interface SessionClient {
  id: string;
}

/** A subscription as aedes hands it over and reads it back ([MQTT-3.8.3] options included). */
export interface StoredSubscription {
  topic: string;
  qos: number;
  rh?: number | boolean;
  rap?: number | boolean;
  nl?: number | boolean;
  subscriptionIdentifier?: number;
}

/** An aedes packet (aedes-packet): what the broker queues, retains and keeps as a will. */
export interface BrokerPacket {
  cmd: string;
  brokerId?: string;
  brokerCounter?: number;
  topic: string;
  payload: Buffer;
  qos: number;
  retain: boolean;
  dup: boolean;
  messageId?: number;
  clientId?: string;
  [field: string]: unknown;
}

export interface MemoryStore {
  readonly broker: unknown;
  incomingStorePacket(client: SessionClient, packet: BrokerPacket): Promise<void>;
  incomingGetPacket(client: SessionClient, packet: { messageId?: number }): Promise<BrokerPacket>;
  incomingDelPacket(client: SessionClient, packet: { messageId?: number }): Promise<void>;
  cleanIncoming(client: SessionClient): Promise<void>;
  setup(broker: unknown): Promise<void>;
  storeRetained(packet: BrokerPacket): Promise<void>;
  createRetainedStream(pattern: string): Readable;
  createRetainedStreamCombi(patterns: string[]): Readable;
  addSubscriptions(client: SessionClient, subs: StoredSubscription[]): Promise<void>;
  removeSubscriptions(client: SessionClient, topics: string[]): Promise<void>;
  subscriptionsByClient(client: SessionClient): Promise<StoredSubscription[]>;
  countOffline(): Promise<{ subsCount: number; clientsCount: number }>;
  subscriptionsByTopic(topic: string): Promise<(StoredSubscription & { clientId: string })[]>;
  cleanSubscriptions(client: SessionClient): Promise<void>;
  getClientList(topic: string): Readable;
  destroy(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** aedes-persistence 11's `MemoryPersistence`: Maps for reads, a qlobber trie for topic matching. */
export const MemoryPersistence = require('aedes-persistence/asyncPersistence.js') as new (options?: {
  broadcastSubscriptions?: boolean;
}) => MemoryStore;

/** aedes-packet's constructor: the shape aedes gives every packet it queues. */
export const Packet = require('aedes-packet') as new (
  original: Partial<BrokerPacket>,
  broker?: { id: string; counter: number },
) => BrokerPacket;

/**
 * Unfinished incoming QoS 2 exchanges (stored, awaiting PUBREL) one session may hold. aedes bounds
 * them per connection only (`maxInflightInbound`): a device reconnecting with a persistent session
 * would otherwise add a window's worth each time. The stores bound them per session too.
 */
export const DEFAULT_MAX_INCOMING_PER_CLIENT = 1000;

/** What a store answers when a session's window is full; the broker closes that connection. */
export const INCOMING_WINDOW_FULL = 'inbound QoS 2 window of the session is full';

/** aedes-persistence's in-memory store, with the incoming QoS 2 window bounded per session. */
export class BoundedMemoryStore extends MemoryPersistence {
  private readonly incomingIds = new Map<string, Set<number>>();

  constructor(private readonly maxIncomingPerClient = DEFAULT_MAX_INCOMING_PER_CLIENT) {
    super();
  }

  override async incomingStorePacket(client: SessionClient, packet: BrokerPacket): Promise<void> {
    const id = packet.messageId as number;
    const held = this.incomingIds.get(client.id) ?? new Set<number>();
    if (!held.has(id) && held.size >= this.maxIncomingPerClient) throw new Error(INCOMING_WINDOW_FULL);
    await super.incomingStorePacket(client, packet);
    held.add(id);
    this.incomingIds.set(client.id, held);
  }

  override async incomingDelPacket(client: SessionClient, packet: { messageId?: number }): Promise<void> {
    await super.incomingDelPacket(client, packet);
    const held = this.incomingIds.get(client.id);
    held?.delete(packet.messageId as number);
    if (held?.size === 0) this.incomingIds.delete(client.id);
  }

  override async cleanIncoming(client: SessionClient): Promise<void> {
    await super.cleanIncoming(client);
    this.incomingIds.delete(client.id);
  }
}
