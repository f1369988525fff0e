import { describeWithEnv } from '../helpers/real-backends.js';
import { runJobQueueConformance } from './conformance.js';
import { runBullMqCases } from './redis-cases.js';
import { clusterTarget, redisHarness } from './redis-harness.js';

// Start one locally with `scripts/redis-cluster.sh start 7101`.
describeWithEnv('REDIS_CLUSTER_NODES', 'BullMqJobQueue on Redis Cluster', (nodes) => {
  runJobQueueConformance('BullMQ on Redis Cluster', () => redisHarness(clusterTarget(nodes)));
  runBullMqCases('Redis Cluster', () => clusterTarget(nodes));
});
