import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/state/index.js';
import { ManualClock } from '../../src/util/clock.js';
import { runStateStoreConformance } from './conformance.js';

runStateStoreConformance('memory', async () => {
  const clock = new ManualClock();
  const store = new MemoryStateStore({ clock });
  return { store, elapse: async (ms) => clock.advance(ms), close: () => store.close() };
});

describe('MemoryStateStore', () => {
  it('rejects TTLs of 0, negative and NaN with TypeError', async () => {
    const store = new MemoryStateStore();
    for (const ttlMs of [0, -5, Number.NaN]) {
      await expect(store.set('k', 'v', { ttlMs })).rejects.toThrow(TypeError);
      await expect(store.compareAndSwap('k', 'v', 'w', { ttlMs })).rejects.toThrow(TypeError);
      await expect(store.increment('k', { ttlMs })).rejects.toThrow(TypeError);
    }
    await store.close();
  });

  it('sweep() drops expired entries nobody reads, and index members whose key is gone', async () => {
    const clock = new ManualClock();
    const store = new MemoryStateStore({ clock });
    await store.set('gh:{t:u}:a', 'v', { ttlMs: 100, index: 'gh:{t:u}:idx' });
    await store.set('gh:{t:u}:b', 'v', { ttlMs: 1_000, index: 'gh:{t:u}:idx' });
    clock.advance(500);
    expect(store.sweep()).toBe(1);
    expect(await store.indexMembers('gh:{t:u}:idx')).toEqual(['gh:{t:u}:b']);
    await store.close();
  });

  it('does not keep the process alive (its cleanup timer is unref’d)', async () => {
    const store = new MemoryStateStore({ cleanupIntervalMs: 10 });
    const timer = (store as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
    await store.close();
  });
});
