import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfig } from '../../src/config/index.js';
import { LoginThrottle, type LoginAttempt } from '../../src/limits/index.js';
import { RedisStateStore, SqlStateStore, type StateStore } from '../../src/state/index.js';
import { describeWithBackend } from '../state/backends.js';
import { openMemoryDatabase } from '../helpers/memory-database.js';

/**
 * Admin unlock finds the (identifier, IP) counters through an index per identifier: an index
 * and the keys it records must share a Redis Cluster slot, and each backend keeps indexes its
 * own way, so the unlock runs on every real backend, not only in memory.
 */
function unlockEverywhere(open: () => Promise<{ store: StateStore; close(): Promise<void> }>): void {
  let store: StateStore;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ store, close } = await open());
  });
  afterAll(() => close?.());

  it('unlock clears the (identifier, IP) throttles of every network; state() sees them until then', async () => {
    const config = createConfig({ rateLimits: { login: { perIdentifierAndIp: 2 } } });
    const throttle = new LoginThrottle(store, config.rateLimits, randomBytes(32));
    const networks = ['203.0.113.8', '2001:db8:5:6::1', '::ffff:198.51.100.3'];
    for (const ip of networks) {
      for (let i = 0; i < 2; i++) {
        const attempt = await throttle.begin('default', 'held@example.com', ip);
        await throttle.recordFailure('default', 'held@example.com', ip, attempt as LoginAttempt);
      }
      expect(await throttle.begin('default', 'held@example.com', ip)).toMatchObject({
        reason: 'rate_limited',
      });
    }
    const held = await throttle.state('default', 'held@example.com');
    expect(held.lockedForMs).toBe(0);
    expect(held.throttledForMs).toBeGreaterThan(0);
    expect(held.throttledForMs).toBeLessThanOrEqual(900_000);

    await throttle.unlock('default', 'held@example.com');
    expect(await throttle.state('default', 'held@example.com')).toEqual({
      lockedForMs: 0,
      throttledForMs: 0,
    });
    for (const ip of networks)
      expect((await throttle.begin('default', 'held@example.com', ip)).allowed).toBe(true);
  });
}

const redis = async (options: Parameters<typeof RedisStateStore.connect>[0]) => {
  const store = await RedisStateStore.connect(options);
  return { store, close: () => store.close() };
};

describeWithBackend('login throttle unlock on Redis', 'REDIS_URL', (url) => {
  unlockEverywhere(() => redis({ redisUrl: url }));
});

describeWithBackend('login throttle unlock on Redis Cluster', 'REDIS_CLUSTER_NODES', (nodes) => {
  unlockEverywhere(() => redis({ clusterNodes: nodes.split(',').map((node) => node.trim()) }));
});

describe('login throttle unlock on SQL (PGlite)', () => {
  unlockEverywhere(async () => {
    const database = await openMemoryDatabase();
    await database.migrate();
    const store = new SqlStateStore({ sql: database.sql });
    return {
      store,
      close: async () => {
        await store.close();
        await database.close();
      },
    };
  });
});
