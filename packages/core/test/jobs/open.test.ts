import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/database/index.js';
import { BackendUnavailableError } from '../../src/errors/auth-error.js';
import { DEFAULT_JOB_PREFIX, DEFAULT_QUEUE_NAME, openJobQueue } from '../../src/jobs/index.js';
import { describeWithEnv } from '../helpers/real-backends.js';
import { freePort, TEST_OPTIONS, within } from './harness.js';
import { seedNodes } from './redis-harness.js';

/** A database that only records statements: enough to see which queue was opened on it. */
function recordingDatabase(): { database: Database; statements: string[] } {
  const statements: string[] = [];
  const sql = {
    query: async (text: string) => {
      statements.push(text);
      return { rows: [] };
    },
  };
  return { database: { sql } as unknown as Database, statements };
}

describe('openJobQueue', () => {
  it('opens the SQL queue on the database when no Redis is configured', async () => {
    const { database, statements } = recordingDatabase();
    const queue = await openJobQueue({ database, options: TEST_OPTIONS, redisClusterNodes: [] });
    expect(queue.kind).toBe('sql');
    await queue.enqueue('mail', {});
    expect(statements).toEqual([expect.stringContaining('INSERT INTO jobs')]);
    await queue.close();
  });

  it('fails startup promptly with BackendUnavailableError when Redis does not answer', async () => {
    const { database } = recordingDatabase();
    const opening = openJobQueue({
      redisUrl: `redis://127.0.0.1:${await freePort()}`,
      database,
      options: TEST_OPTIONS,
    });
    const failure = await within(opening, 10_000, 'openJobQueue').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BackendUnavailableError);
  });
});

/**
 * BullMQ writes a meta key when a queue opens. Under the default prefix it may belong to a
 * real queue on a shared Redis, so it is removed only if this test created it.
 */
async function leavingNoTrace(client: Redis | Cluster, body: () => Promise<void>): Promise<void> {
  const meta = `${DEFAULT_JOB_PREFIX}:${DEFAULT_QUEUE_NAME}:meta`;
  try {
    const existed = (await client.exists(meta)) === 1;
    try {
      await body();
    } finally {
      if (!existed) await client.del(meta);
    }
  } finally {
    client.disconnect();
  }
}

describeWithEnv('REDIS_URL', 'openJobQueue with Redis', (redisUrl) => {
  it('opens BullMQ on Redis when a URL is configured', async () => {
    await leavingNoTrace(new Redis(redisUrl), async () => {
      const { database, statements } = recordingDatabase();
      const queue = await openJobQueue({ redisUrl, database, options: TEST_OPTIONS });
      try {
        expect(queue.kind).toBe('bullmq');
        await queue.counts();
        expect(statements).toEqual([]);
      } finally {
        await queue.close();
      }
    });
  });
});

describeWithEnv('REDIS_CLUSTER_NODES', 'openJobQueue with Redis Cluster', (nodes) => {
  it('opens BullMQ on the Cluster when nodes are given, even with a redisUrl', async () => {
    const clusterNodes = nodes.split(',');
    await leavingNoTrace(new Cluster(seedNodes(clusterNodes)), async () => {
      const { database } = recordingDatabase();
      const queue = await openJobQueue({
        redisClusterNodes: clusterNodes,
        redisUrl: `redis://127.0.0.1:${await freePort()}`,
        database,
        options: TEST_OPTIONS,
      });
      try {
        expect(queue.kind).toBe('bullmq');
        await queue.counts();
      } finally {
        await queue.close();
      }
    });
  });
});
