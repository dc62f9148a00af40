export {
  BoundedMemoryStore,
  DEFAULT_MAX_INCOMING_PER_CLIENT,
  INCOMING_WINDOW_FULL,
} from './memory.ts';
export {
  type BrokerStoreOptions,
  DEFAULT_BROKER_STORE_LIMITS,
  openBrokerStore,
  SqliteBrokerStore,
} from './sqlite.ts';
