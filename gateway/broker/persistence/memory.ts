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
