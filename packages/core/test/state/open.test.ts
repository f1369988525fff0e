import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/database/index.js';
import { openStateStore } from '../../src/state/index.js';

describe('openStateStore', () => {
  it('is memory when nothing is configured', async () => {
    const store = await openStateStore();
    expect(store.kind).toBe('memory');
    await store.close();
  });

  it('is SQL on the database when no Redis is configured (an empty node list counts as none)', async () => {
    const database = await openDatabase({});
    await database.migrate();
    const store = await openStateStore({ database, redisClusterNodes: [] });
    expect(store.kind).toBe('sql');
    await store.set('gh:k', 'v', { ttlMs: 1_000 });
    expect(await store.get('gh:k')).toBe('v');
    await store.close();
    await database.close();
  });
});
