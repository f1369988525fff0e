import { afterAll, beforeAll } from 'vitest';
import { openDatabase, type Database } from '../../src/database/index.js';
import { MemoryStateStore, RedisStateStore, SqlStateStore } from '../../src/state/index.js';
import { ManualClock } from '../../src/util/clock.js';
import { describeWithBackend } from '../state/backends.js';
import { runRefreshRaceSuite } from './refresh-races.js';
import { openMemoryDatabase } from '../helpers/memory-database.js';

// The same races on every StateStore backend. PostgreSQL, Redis and Redis Cluster skip
// locally without their variable and fail in CI (CI=true) when it is missing.

runRefreshRaceSuite('memory', async () => {
  const clock = new ManualClock();
  const store = new MemoryStateStore({ clock });
  return { store, clock, close: () => store.close() };
});

runRefreshRaceSuite('SQL on PGlite (in memory)', async () => {
  const clock = new ManualClock(Date.now());
  const database = await openMemoryDatabase();
  await database.migrate();
  const store = new SqlStateStore({ sql: database.sql, clock });
  return {
    store,
    clock,
    close: async () => {
      await store.close();
      await database.close();
    },
  };
});

describeWithBackend('Sessions on PostgreSQL', 'DATABASE_URL', (databaseUrl) => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ databaseUrl });
    await database.migrate();
  });
  afterAll(() => database?.close());

  runRefreshRaceSuite('SQL on PostgreSQL', async () => {
    const clock = new ManualClock(Date.now());
    const store = new SqlStateStore({ sql: database.sql, clock });
    return { store, clock, close: () => store.close() };
  });
});

// Redis keeps its own time: the ManualClock moves only the service's decisions (windows),
// while the TTLs (10 min idle) are far longer than a test.
describeWithBackend('Sessions on Redis', 'REDIS_URL', (redisUrl) => {
  runRefreshRaceSuite('Redis', async () => {
    const store = await RedisStateStore.connect({ redisUrl });
    return { store, clock: new ManualClock(Date.now()), close: () => store.close() };
  });
});

describeWithBackend('Sessions on Redis Cluster', 'REDIS_CLUSTER_NODES', (nodes) => {
  runRefreshRaceSuite('Redis Cluster', async () => {
    const store = await RedisStateStore.connect({ clusterNodes: nodes.split(',').map((n) => n.trim()) });
    return { store, clock: new ManualClock(Date.now()), close: () => store.close() };
  });
});
