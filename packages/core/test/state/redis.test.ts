import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../../src/errors/auth-error.js';
import { openStateStore, RedisStateStore } from '../../src/state/index.js';
import { describeWithBackend } from './backends.js';
import { runStateStoreConformance } from './conformance.js';
import { sleep } from './harness.js';
import { hasRedisServer, startRedisServer } from './redis-server.js';

describeWithBackend('Redis StateStore (single node)', 'REDIS_URL', (redisUrl) => {
  runStateStoreConformance('Redis', async () => {
    const store = await RedisStateStore.connect({ redisUrl });
    return { store, elapse: sleep, close: () => store.close() };
  });

  it('is what openStateStore picks for a redisUrl', async () => {
    const store = await openStateStore({ redisUrl });
    expect(store.kind).toBe('redis');
    await store.ping();
    await store.close();
  });

  describe('when Redis is unreachable', () => {
    it('connect() rejects with BackendUnavailableError promptly', async () => {
      const started = Date.now();
      await expect(
        RedisStateStore.connect({ redisUrl: `redis://127.0.0.1:${await closedPort()}` }),
      ).rejects.toBeInstanceOf(BackendUnavailableError);
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it('get, set and ping throw BackendUnavailableError within 3 s, never answer null', async () => {
      const store = await RedisStateStore.connect({
        redisUrl: `redis://127.0.0.1:${await closedPort()}`,
        awaitConnection: false,
      });
      for (const call of [
        () => store.get('gh:k'),
        () => store.set('gh:k', 'v', { ttlMs: 1_000 }),
        () => store.ping(),
      ]) {
        const started = Date.now();
        await expect(call()).rejects.toBeInstanceOf(BackendUnavailableError);
        expect(Date.now() - started).toBeLessThan(3_000);
      }
      await store.close();
    });
  });

  // Needs a local redis-server binary: stopping the shared REDIS_URL server is not ours to do.
  describe.skipIf(!hasRedisServer())('against a Redis it can stop', () => {
    it('fails closed while Redis is down and recovers by itself when it is back', async () => {
      const server = await startRedisServer();
      const store = await RedisStateStore.connect({ redisUrl: server.url });
      try {
        await store.set('gh:k', 'before', { ttlMs: 60_000 });
        await server.stop();
        await expect(store.get('gh:k')).rejects.toBeInstanceOf(BackendUnavailableError);
        await expect(store.ping()).rejects.toBeInstanceOf(BackendUnavailableError);
        await server.restart();
        await waitFor(() => store.ping());
        expect(await store.set('gh:k', 'after', { ttlMs: 60_000 })).toBe(true);
        expect(await store.get('gh:k')).toBe('after');
      } finally {
        await store.close();
        await server.stop();
      }
    });

    it('ping fails within ~1.5 s when Redis hangs', async () => {
      const server = await startRedisServer();
      const store = await RedisStateStore.connect({ redisUrl: server.url });
      try {
        await server.pause(3_000);
        const started = Date.now();
        await expect(store.ping()).rejects.toBeInstanceOf(BackendUnavailableError);
        expect(Date.now() - started).toBeLessThan(1_700);
      } finally {
        await store.close();
        await server.stop();
      }
    });
  });
});

/** A port nothing listens on: bind an ephemeral one, then let it go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitFor(check: () => Promise<unknown>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}
