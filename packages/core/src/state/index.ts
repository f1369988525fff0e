export * from './types.js';
export { stateKeys } from './keys.js';
export { MemoryStateStore, type MemoryStateStoreOptions } from './memory.js';
export { SqlStateStore, type SqlStateStoreOptions } from './sql.js';
export { RedisStateStore, type RedisStateStoreOptions } from './redis.js';
export type { RedisConnectionOptions } from './redis-client.js';
export { openStateStore, type OpenStateStoreOptions } from './open.js';
export { hashTag } from './validate.js';
export { countStateStoreCalls, type CountingStateStore, type CountedOperation } from './counting.js';
