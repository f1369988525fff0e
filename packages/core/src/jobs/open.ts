import type { Database } from '../database/types.js';
import type { RandomSource } from '../util/random.js';
import { BullMqJobQueue } from './bullmq-queue.js';
import { SqlJobQueue } from './sql-queue.js';
import type { JobQueue, JobQueueOptions } from './types.js';

export interface OpenJobQueueOptions {
  redisUrl?: string | undefined;
  /** `host:port` seed nodes; an empty list counts as not configured. */
  redisClusterNodes?: string[] | undefined;
  /** The SQL queue's home when no Redis is configured. It stays the caller's to close. */
  database: Database;
  options: JobQueueOptions;
  /** BullMQ queue name: deployments (or test runs) sharing one Redis keep their jobs apart. */
  queueName?: string | undefined;
  /** BullMQ's enqueue and count deadline (config `jobs.redisCommandTimeoutMs`). */
  commandTimeoutMs?: number | undefined;
  /** Background failures (a poll that could not reach the backend, a lost connection), for logging. */
  onError?: (error: Error) => void;
  /** The SQL queue's job ids (BullMQ makes its own). */
  random?: RandomSource | undefined;
}

/**
 * Jobs live where the hot state lives: BullMQ on Redis Cluster or Redis when configured
 * (it waits for the first connection, so a wrong address stops startup), else the SQL
 * queue on the database.
 */
export async function openJobQueue(options: OpenJobQueueOptions): Promise<JobQueue> {
  const onError = {
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.queueName ? { queueName: options.queueName } : {}),
    ...(options.commandTimeoutMs ? { commandTimeoutMs: options.commandTimeoutMs } : {}),
  };
  if (options.redisClusterNodes?.length) {
    return BullMqJobQueue.connect({
      clusterNodes: options.redisClusterNodes,
      options: options.options,
      ...onError,
    });
  }
  if (options.redisUrl) {
    return BullMqJobQueue.connect({ redisUrl: options.redisUrl, options: options.options, ...onError });
  }
  return new SqlJobQueue({
    database: options.database,
    options: options.options,
    random: options.random,
    ...onError,
  });
}
