export {
  type BrokerStoreOptions,
  DEFAULT_BROKER_STORE_LIMITS,
  openBrokerStore,
  SqliteBrokerStore,
} from './sqlite.ts';
