import { configDefaults } from '../config/defaults.js';
import type { Database } from '../database/types.js';
import type { Clock } from '../util/clock.js';
import { MemoryStateStore } from './memory.js';
import { RedisStateStore, type RedisStateStoreOptions } from './redis.js';
import { SqlStateStore } from './sql.js';
import type { StateStore } from './types.js';

export interface OpenStateStoreOptions {
  redisUrl?: string | undefined;
  /** `host:port` seed nodes; an empty list counts as not configured. */
  redisClusterNodes?: string[] | undefined;
  /** The SQL store's home when no Redis is configured (it shares the Database's connection). */
  database?: Database | undefined;
  /** Memory and SQL expiry; Redis keeps its own time. */
  clock?: Clock | undefined;
  /** Tuning for the Redis backends (timeouts, awaitConnection, onError). */
  redis?: Omit<RedisStateStoreOptions, 'redisUrl' | 'clusterNodes'>;
  /** SQL sweeper interval (config `storage.stateSweepIntervalMs`). */
  sweepIntervalMs?: number;
}

/**
 * Backend choice is configuration, never code: Redis Cluster if nodes are given, else
 * Redis if a URL is, else SQL on the database, else memory (tests, single process).
 */
export async function openStateStore(options: OpenStateStoreOptions = {}): Promise<StateStore> {
  const clock = options.clock ? { clock: options.clock } : {};
  if (options.redisClusterNodes?.length) {
    return RedisStateStore.connect({ ...options.redis, clusterNodes: options.redisClusterNodes });
  }
  if (options.redisUrl) return RedisStateStore.connect({ ...options.redis, redisUrl: options.redisUrl });
  if (options.database) {
    return new SqlStateStore({
      sql: options.database.sql,
      sweepIntervalMs: options.sweepIntervalMs ?? configDefaults.storage.stateSweepIntervalMs,
      ...clock,
    });
  }
  return new MemoryStateStore(clock);
}
