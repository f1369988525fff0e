import { expect, it } from 'vitest';
import { openStateStore, RedisStateStore } from '../../src/state/index.js';
import { describeWithBackend } from './backends.js';
import { runStateStoreConformance } from './conformance.js';
import { sleep } from './harness.js';

// Start one locally with `scripts/redis-cluster.sh start`.
describeWithBackend('Redis StateStore (Cluster)', 'REDIS_CLUSTER_NODES', (nodes) => {
  runStateStoreConformance('Redis Cluster', async () => {
    const store = await RedisStateStore.connect({
      clusterNodes: nodes.split(',').map((node) => node.trim()),
    });
    return { store, elapse: sleep, close: () => store.close() };
  });

  it('is what openStateStore picks when nodes are given, even with a redisUrl', async () => {
    const store = await openStateStore({
      redisClusterNodes: nodes.split(','),
      redisUrl: 'redis://127.0.0.1:1',
    });
    expect(store.kind).toBe('redis-cluster');
    await store.ping();
    await store.close();
  });
});
