import { openPgliteDatabase } from './open-pglite.js';
import { openPostgresDatabase } from './open-postgres.js';
import type { Database } from './types.js';
import type { Clock } from '../util/clock.js';
import type { GatehouseConfig } from '../config/schema.js';

export interface OpenDatabaseOptions {
  /** PostgreSQL when set; embedded PGlite otherwise. */
  databaseUrl?: string | undefined;
  /** PGlite's home; omitted = in memory. */
  dataDir?: string | undefined;
  /** PostgreSQL connections per instance (config `storage.databasePoolSize`). */
  poolSize?: number;
  /** Config `storage.databaseConnectTimeoutMs`. */
  connectTimeoutMs?: number;
  /** PGlite's lock file records when it was taken. */
  clock?: Clock | undefined;
}

/** What openDatabase takes from a configuration's `storage` section. */
export function databaseOptionsOf(storage: GatehouseConfig['storage']): OpenDatabaseOptions {
  return {
    databaseUrl: storage.databaseUrl,
    dataDir: storage.dataDir,
    poolSize: storage.databasePoolSize,
    connectTimeoutMs: storage.databaseConnectTimeoutMs,
  };
}

/** Backend choice is configuration, never code. */
export function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.databaseUrl
    ? openPostgresDatabase({
        url: options.databaseUrl,
        ...(options.poolSize ? { poolSize: options.poolSize } : {}),
        ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
      })
    : openPgliteDatabase(options.dataDir ? { dataDir: options.dataDir, clock: options.clock } : {});
}
