import { openPgliteDatabase } from './open-pglite.js';
import { openPostgresDatabase } from './open-postgres.js';
import type { Database } from './types.js';

export interface OpenDatabaseOptions {
  /** PostgreSQL when set; embedded PGlite otherwise. */
  databaseUrl?: string | undefined;
  /** PGlite's home; omitted = in memory. */
  dataDir?: string | undefined;
  poolSize?: number;
}

/** Backend choice is configuration, never code. */
export function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.databaseUrl
    ? openPostgresDatabase({
        url: options.databaseUrl,
        ...(options.poolSize ? { poolSize: options.poolSize } : {}),
      })
    : openPgliteDatabase(options.dataDir ? { dataDir: options.dataDir } : {});
}
