import { describe, expect, it } from 'vitest';
import { openMemoryDatabase } from '../helpers/memory-database.js';
import { BackendUnavailableError } from '../../src/errors/auth-error.js';
import { SqlStateStore } from '../../src/state/index.js';
import { ManualClock } from '../../src/util/clock.js';
import { runStateStoreConformance } from './conformance.js';

async function openPglite(clock = new ManualClock()) {
  const database = await openMemoryDatabase();
  await database.migrate();
  return { database, clock, store: new SqlStateStore({ sql: database.sql, clock }) };
}

runStateStoreConformance('SQL on PGlite (in memory)', async () => {
  const { database, clock, store } = await openPglite();
  return {
    store,
    elapse: async (ms) => clock.advance(ms),
    close: async () => {
      await store.close();
      await database.close();
    },
  };
});

describe('SqlStateStore on PGlite', () => {
  it('sweep() deletes expired rows and orphaned index rows, keeping live ones', async () => {
    const { database, clock, store } = await openPglite();
    const index = 'gh:{t:u}:sessions';
    await store.set('gh:{t:u}:a', 'v', { ttlMs: 100, index });
    await store.set('gh:{t:u}:b', 'v', { ttlMs: 100, index });
    await store.set('gh:{t:u}:b', 'v', { ttlMs: 10_000 }); // rewritten without index: stays recorded
    await store.set('gh:c', 'v', { ttlMs: 10_000 });
    clock.advance(500);
    expect(await store.sweep()).toEqual({ entries: 1, indexMembers: 1 });
    const rows = await database.sql.query<{ n: number }>('select count(*)::int as n from state_entries');
    expect(rows.rows[0]?.n).toBe(2);
    expect(await store.indexMembers(index)).toEqual(['gh:{t:u}:b']);
    await store.close();
    await database.close();
  });

  it('reports a closed database as an unavailable stateStore', async () => {
    const { database, store } = await openPglite();
    await database.close();
    const failure = await store.get('gh:k').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BackendUnavailableError);
    expect((failure as BackendUnavailableError).backend).toBe('stateStore');
  });
});
