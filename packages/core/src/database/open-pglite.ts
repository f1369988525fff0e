import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { schema } from './schema.js';
import { migrationsFolder } from './migrations.js';
import { lockDataDirectory } from './pglite-lock.js';
import { PGLITE_START_PARAMS, createPgliteDataDirectory } from './pglite-memory.js';
import { guardDatabaseCall } from './unavailable.js';
import type { Database, SqlClient } from './types.js';
import type { Clock } from '../util/clock.js';

export interface PgliteOptions {
  /** Data directory; the database lives in `<dataDir>/pglite`. Omit for an in-memory database (tests). */
  dataDir?: string;
  /**
   * An in-memory database starts as a copy of this dump (PGlite's `dumpDataDir`, e.g. of
   * a migrated database) instead of running initdb, which costs seconds of CPU: the test
   * suites open hundreds of databases from one template. Ignored with `dataDir`.
   */
  loadDataDir?: Blob;
  /** Stamps the data directory's lock (when it was taken); default the system clock. */
  clock?: Clock | undefined;
}

export async function openPgliteDatabase(options: PgliteOptions = {}): Promise<Database> {
  const dir = options.dataDir ? resolve(options.dataDir) : undefined;
  const lock = dir ? lockDataDirectory(dir, undefined, options.clock) : undefined;
  const startOptions = { startParams: [...PGLITE_START_PARAMS] };
  let client: PGlite;
  try {
    if (dir) {
      // Best effort: if the child cannot run, PGlite creates the directory itself below.
      await createPgliteDataDirectory(join(dir, 'pglite')).catch(() => false);
    }
    client = dir
      ? await PGlite.create(join(dir, 'pglite'), startOptions)
      : await PGlite.create({
          ...startOptions,
          ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
        });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = drizzle({ client, schema });
  const sql: SqlClient = {
    query: (text, params) => guardDatabaseCall(() => client.query(text, params)) as never,
  };
  let closed = false;
  return {
    kind: 'pglite',
    location: dir ? join(dir, 'pglite') : 'memory',
    db,
    sql,
    migrate: () => migrate(db, { migrationsFolder }),
    ping: async () => {
      await sql.query('select 1');
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await client.close();
      lock?.release();
    },
  };
}
