import { afterAll, beforeAll } from 'vitest';
import { openDatabase, type Database } from '../../src/database/index.js';
import { SqlStateStore } from '../../src/state/index.js';
import { ManualClock } from '../../src/util/clock.js';
import { describeWithBackend } from './backends.js';
import { runStateStoreConformance } from './conformance.js';

describeWithBackend('SQL StateStore on PostgreSQL', 'DATABASE_URL', (databaseUrl) => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ databaseUrl });
    await database.migrate();
  });
  afterAll(() => database?.close());

  runStateStoreConformance('SQL on PostgreSQL', async () => {
    const clock = new ManualClock(Date.now());
    const store = new SqlStateStore({ sql: database.sql, clock });
    return { store, elapse: async (ms) => clock.advance(ms), close: () => store.close() };
  });
});
