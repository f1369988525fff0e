import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPgliteDatabase, openPostgresDatabase, type Database } from '../../src/database/index.js';
import { SqlJobQueue, type JobQueueOptions } from '../../src/jobs/index.js';
import { QueueSet, withTestOptions, type JobQueueHarness } from './harness.js';
import { openMemoryDatabase } from '../helpers/memory-database.js';

/** A SQL backend under test, with the database at hand for direct looks at the `jobs` table. */
export interface SqlHarness extends JobQueueHarness {
  /** The database every queue of this harness shares (the current one after a restart). */
  database(): Database;
  /** Closes `queue` with the harness (queues a test builds itself). */
  track<Q extends SqlJobQueue>(queue: Q): Q;
}

/**
 * PGlite in memory, one database per test file (creating one takes a second or more): each
 * harness empties the table first and leaves the database open. No restart here.
 */
export async function memoryPgliteHarness(database: Database): Promise<SqlHarness> {
  await database.sql.query('DELETE FROM jobs');
  const queues = new QueueSet();
  return {
    database: () => database,
    track: (queue) => queues.add(queue),
    open: async (overrides) => queues.add(new SqlJobQueue({ database, options: withTestOptions(overrides) })),
    openUnavailable: async () => {
      const gone = await openMemoryDatabase();
      await gone.close();
      return queues.add(new SqlJobQueue({ database: gone, options: withTestOptions() }));
    },
    close: () => queues.closeAll(),
  };
}

/** PGlite in a fresh temporary data directory; `restart()` closes the database and reopens it from disk. */
export async function diskPgliteHarness(): Promise<SqlHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-jobs-'));
  const openDb = async () => {
    const database = await openPgliteDatabase({ dataDir });
    await database.migrate();
    return database;
  };
  let database = await openDb();
  const queues = new QueueSet();
  const shutDown = async () => {
    await queues.closeAll();
    await database.close();
  };
  return {
    database: () => database,
    track: (queue) => queues.add(queue),
    open: async (overrides) => queues.add(new SqlJobQueue({ database, options: withTestOptions(overrides) })),
    openUnavailable: async () => {
      await database.close();
      return queues.add(new SqlJobQueue({ database, options: withTestOptions() }));
    },
    restart: async () => {
      await shutDown();
      database = await openDb();
    },
    close: async () => {
      await shutDown();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * PostgreSQL: every queue gets its own connection pool, like a separate process; the
 * harness keeps one more for looks at the table. The suite's scratch database is shared
 * by its tests, so the table is emptied first.
 */
export async function postgresHarness(url: string): Promise<SqlHarness> {
  const admin = await openPostgresDatabase({ url, poolSize: 2 });
  await admin.sql.query('DELETE FROM jobs');
  const queues = new QueueSet();
  let pools: Database[] = [];
  const queueOn = async (overrides?: Partial<JobQueueOptions>) => {
    const database = await openPostgresDatabase({ url, poolSize: 4 });
    pools.push(database);
    return {
      database,
      queue: queues.add(new SqlJobQueue({ database, options: withTestOptions(overrides) })),
    };
  };
  const closeInstances = async () => {
    await queues.closeAll();
    await Promise.all(pools.map((pool) => pool.close()));
    pools = [];
  };
  return {
    database: () => admin,
    track: (queue) => queues.add(queue),
    open: async (overrides) => (await queueOn(overrides)).queue,
    openUnavailable: async () => {
      const { database, queue } = await queueOn();
      await database.close();
      pools = pools.filter((pool) => pool !== database);
      return queue;
    },
    restart: closeInstances,
    close: async () => {
      await closeInstances();
      await admin.close();
    },
  };
}
