import type { StateStore } from '@gatehouse/core';
import {
  hasRedisServer,
  startRedisServer,
  type OwnRedisServer,
} from '../../../core/test/state/redis-server.js';
import { CHEAP_ARGON2, openSecurityServer, type SecurityServer } from './harness.js';

/**
 * A security server whose StateStore is Redis on a private, non-persistent redis-server
 * (this suite may stop, pause and monitor it without disturbing anyone else's Redis).
 */
export async function openRedisBackedServer(
  options: {
    wrapStateStore?: (store: StateStore) => StateStore;
    /** Runs on the new redis-server before the server connects (while no client talks to it). */
    beforeServer?: (redis: OwnRedisServer) => Promise<void>;
  } = {},
): Promise<{ server: SecurityServer; redis: OwnRedisServer; close(): Promise<void> }> {
  if (!hasRedisServer()) {
    throw new Error('These suites start their own redis-server: install it (it must be on PATH)');
  }
  const redis = await startRedisServer();
  try {
    await options.beforeServer?.(redis);
    const server = await openSecurityServer(
      { storage: { redisUrl: redis.url }, passwords: CHEAP_ARGON2 },
      options.wrapStateStore ? { wrapStateStore: options.wrapStateStore } : {},
    );
    return {
      server,
      redis,
      async close() {
        await server.close();
        await redis.stop();
      },
    };
  } catch (error) {
    await redis.stop();
    throw error;
  }
}

/** Retries `probe` until it returns true (Redis coming back, a client reconnecting), at most `ms`. */
export async function eventually(probe: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`not true within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
