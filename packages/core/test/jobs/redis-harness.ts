import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { BullMqJobQueue } from '../../src/jobs/index.js';
import { freePort, QueueSet, withTestOptions, type JobQueueHarness } from './harness.js';

/** Where the queues of a Redis suite connect: one URL, or Cluster seed nodes. */
export type RedisTarget = { redisUrl: string } | { clusterNodes: string[] };

export const clusterTarget = (nodes: string): RedisTarget => ({
  clusterNodes: nodes.split(',').map((node) => node.trim()),
});

/** `host:port` strings as ioredis Cluster seeds. */
export const seedNodes = (nodes: string[]) =>
  nodes.map((node) => {
    const colon = node.lastIndexOf(':');
    return { host: node.slice(0, colon), port: Number(node.slice(colon + 1)) };
  });

/** A prefix of its own per harness (a hash tag, as on a Cluster), so runs never see each other's jobs. */
const uniquePrefix = () => `{gatehouse-jobs-test-${randomBytes(6).toString('hex')}}`;

export interface RedisHarness extends JobQueueHarness {
  readonly prefix: string;
}

/** BullMQ on a Redis or Redis Cluster; `restart()` closes every queue (Redis keeps the jobs). */
export async function redisHarness(target: RedisTarget): Promise<RedisHarness> {
  const prefix = uniquePrefix();
  const queues = new QueueSet();
  return {
    prefix,
    open: async (overrides) =>
      queues.add(await BullMqJobQueue.connect({ ...target, prefix, options: withTestOptions(overrides) })),
    openUnavailable: async () => {
      const address = `127.0.0.1:${await freePort()}`;
      const nowhere = 'redisUrl' in target ? { redisUrl: `redis://${address}` } : { clusterNodes: [address] };
      return queues.add(new BullMqJobQueue({ ...nowhere, prefix, options: withTestOptions() }));
    },
    restart: () => queues.closeAll(),
    close: async () => {
      await queues.closeAll();
      await deleteKeys(target, prefix);
    },
  };
}

/** Removes every key under `prefix` (on a Cluster, from every master: SCAN is per node). */
export async function deleteKeys(target: RedisTarget, prefix: string): Promise<void> {
  const client =
    'redisUrl' in target ? new Redis(target.redisUrl) : new Cluster(seedNodes(target.clusterNodes));
  try {
    await client.ping(); // a Cluster knows its masters once connected
    const nodes = client instanceof Cluster ? client.nodes('master') : [client];
    for (const node of nodes) {
      const batches = node.scanStream({ match: `${prefix}*`, count: 500 }) as AsyncIterable<string[]>;
      for await (const keys of batches) {
        if (keys.length) await client.del(...keys);
      }
    }
  } finally {
    client.disconnect();
  }
}
