import { once } from 'node:events';
import { Queue, UnrecoverableError, Worker, type Job as BullJob } from 'bullmq';
import { Cluster, Redis, type ClusterNode, type ClusterOptions, type RedisOptions } from 'ioredis';
import { configDefaults } from '../config/defaults.js';
import { BackendUnavailableError } from '../errors/auth-error.js';
import { reconnectDelay, toStateStoreError } from '../state/redis-client.js';
import { redactUrl } from '../util/redact-url.js';
import {
  isPermanentJobError,
  type EnqueueOptions,
  type JobCounts,
  type JobHandler,
  type JobPayload,
  type JobQueue,
  type JobQueueOptions,
} from './types.js';
import { asError, DEFAULT_DRAIN_TIMEOUT_MS, describeFailure, waitUntilDrained } from './support.js';

/** The braces are a hash tag: every key of the queue lands in one Cluster slot, as BullMQ's scripts need. */
export const DEFAULT_JOB_PREFIX = '{gatehouse-jobs}';
export const DEFAULT_QUEUE_NAME = configDefaults.jobs.queueName;

/** Failed jobs kept for inspection; the oldest go beyond this so Redis memory stays bounded. */
const KEEP_FAILED = 10_000;

export interface BullMqJobQueueOptions {
  /** Single node, e.g. `redis://127.0.0.1:6379`. */
  redisUrl?: string | undefined;
  /** Redis Cluster seed nodes as `host:port`; wins over `redisUrl`. */
  clusterNodes?: string[] | undefined;
  /** `pollIntervalMs` and `leaseSeconds` are the SQL queue's; BullMQ blocks and locks on its own. */
  options: JobQueueOptions;
  /** Key prefix; must hold a `{hash tag}` on a Cluster. Default `{gatehouse-jobs}`. */
  prefix?: string;
  /** Default `jobs`; no colon. */
  queueName?: string;
  /** Deadline of enqueue and counts (and of the first connection in `connect()`): config `jobs.redisCommandTimeoutMs`. */
  commandTimeoutMs?: number;
  /** Connection errors while reconnecting and worker failures, for logging. */
  onError?: (error: Error) => void;
}

type RedisConnection = Redis | Cluster;
type Role = 'producer' | 'worker';

/**
 * The job queue on Redis (single node or Cluster) through BullMQ. Three connections: one to
 * enqueue and count (fails fast while Redis is away), and the worker's two (commands and
 * the blocking fetch), which wait out a reconnect as BullMQ requires.
 */
export class BullMqJobQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly producer: RedisConnection;
  private readonly queue: Queue<JobPayload, void, string>;
  private worker: { worker: Worker<JobPayload, void, string>; connection: RedisConnection } | undefined;
  private readonly prefix: string;
  private readonly queueName: string;
  private readonly deadlineMs: number;
  private closed = false;

  constructor(private readonly settings: BullMqJobQueueOptions) {
    this.prefix = settings.prefix ?? DEFAULT_JOB_PREFIX;
    this.queueName = settings.queueName ?? DEFAULT_QUEUE_NAME;
    this.deadlineMs = settings.commandTimeoutMs ?? configDefaults.jobs.redisCommandTimeoutMs;
    if (settings.clusterNodes?.length && !/\{[^}]+\}/.test(this.prefix)) {
      throw new TypeError(`On a Redis Cluster the job prefix needs a {hash tag}, got ${this.prefix}`);
    }
    this.producer = this.connect('producer');
    const { maxAttempts, backoffBaseMs } = settings.options;
    this.queue = new Queue<JobPayload, void, string>(this.queueName, {
      connection: this.producer,
      prefix: this.prefix,
      defaultJobOptions: {
        attempts: maxAttempts,
        backoff: { type: 'exponential', delay: backoffBaseMs },
        removeOnComplete: true,
        removeOnFail: { count: KEEP_FAILED },
        // Like the SQL queue: the failure's message is kept, never a stack.
        stackTraceLimit: 0,
      },
    });
    this.queue.on('error', (error) => this.report(error));
  }

  /** Opens the queue and waits for Redis to answer: a wrong address stops startup, as the state store does. */
  static async connect(settings: BullMqJobQueueOptions): Promise<BullMqJobQueue> {
    const queue = new BullMqJobQueue(settings);
    try {
      // The first connection error fails at once; `once` rejects on 'error' before 'ready'.
      if (queue.producer.status !== 'ready') {
        await once(queue.producer, 'ready', { signal: AbortSignal.timeout(queue.deadlineMs) });
      }
      await withDeadline(queue.queue.waitUntilReady(), queue.deadlineMs);
    } catch (error) {
      await queue.close();
      throw new BackendUnavailableError(
        'jobQueue',
        new Error(`job queue could not connect to ${queue.where()}`, { cause: error }),
      );
    }
    return queue;
  }

  enqueue(name: string, payload: JobPayload, options: EnqueueOptions = {}): Promise<string> {
    const delay = Math.max(0, options.delayMs ?? 0);
    return this.guard(async () => {
      const job = await this.queue.add(name, payload, delay > 0 ? { delay } : {});
      if (!job.id) throw new Error('BullMQ returned a job without an id');
      return job.id;
    });
  }

  start(handler: JobHandler): void {
    if (this.closed) throw new Error('BullMqJobQueue is closed');
    if (this.worker) throw new Error('BullMqJobQueue is already started');
    const connection = this.connect('worker');
    const worker = new Worker<JobPayload, void, string>(this.queueName, processor(handler), {
      connection,
      prefix: this.prefix,
      concurrency: this.settings.options.concurrency,
    });
    worker.on('error', (error) => this.report(error));
    this.worker = { worker, connection };
  }

  /** Waits for running handlers (BullMQ's close lets them finish), then drops the worker's connections. */
  async stop(): Promise<void> {
    const running = this.worker;
    this.worker = undefined;
    if (!running) return;
    try {
      await running.worker.close();
    } finally {
      await closeConnection(running.connection);
    }
  }

  counts(): Promise<JobCounts> {
    return this.guard(async () => {
      const counts = await this.queue.getJobCounts(
        'waiting',
        'delayed',
        'prioritized',
        'waiting-children',
        'active',
        'failed',
      );
      const of = (type: string) => counts[type] ?? 0;
      return {
        waiting: of('waiting') + of('delayed') + of('prioritized') + of('waiting-children'),
        active: of('active'),
        failed: of('failed'),
      };
    });
  }

  drain(timeoutMs = DEFAULT_DRAIN_TIMEOUT_MS): Promise<void> {
    return waitUntilDrained(() => this.counts(), timeoutMs, 25);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.stop();
      await this.queue.close();
    } finally {
      await closeConnection(this.producer);
    }
  }

  /**
   * Enqueue and counts fail closed at once while the producer is not connected: BullMQ
   * would otherwise wait for Redis to come back, and the request with it.
   */
  private async guard<T>(call: () => Promise<T>): Promise<T> {
    if (this.closed) throw new BackendUnavailableError('jobQueue', new Error('BullMqJobQueue is closed'));
    if (this.producer.status !== 'ready') {
      throw new BackendUnavailableError(
        'jobQueue',
        new Error(`no connection to ${this.where()} (${this.producer.status})`),
      );
    }
    try {
      return await withDeadline(call(), this.deadlineMs);
    } catch (error) {
      throw toStateStoreError(error);
    }
  }

  private connect(role: Role): RedisConnection {
    const connection = createConnection(this.settings, role, this.deadlineMs);
    // BullMQ forwards connection errors as Queue/Worker 'error' events (reported there);
    // this listener only keeps ioredis from printing them once BullMQ has let go.
    connection.on('error', () => undefined);
    return connection;
  }

  private where(): string {
    return this.settings.clusterNodes?.length
      ? `Redis Cluster ${this.settings.clusterNodes.join(',')}`
      : `Redis at ${redactUrl(this.settings.redisUrl ?? '')}`;
  }

  private report(error: unknown): void {
    try {
      this.settings.onError?.(asError(error));
    } catch {
      // A failing logger must not break the queue.
    }
  }
}

/** Adapts the port's handler; a permanent failure becomes BullMQ's UnrecoverableError. */
function processor(handler: JobHandler) {
  return async (job: BullJob<JobPayload, void, string>): Promise<void> => {
    try {
      // attemptsMade counts finished attempts, so this run is the next one.
      await handler({ id: job.id ?? '', name: job.name, payload: job.data, attempt: job.attemptsMade + 1 });
    } catch (error) {
      const message = describeFailure(error);
      throw isPermanentJobError(error)
        ? new UnrecoverableError(message)
        : new Error(message, { cause: error });
    }
  };
}

/**
 * The producer fails fast (no offline queue, one try, a deadline) so an enqueue during an
 * outage fails closed now. The worker's connection retries without limit
 * (`maxRetriesPerRequest: null`, required by BullMQ's blocking commands), so finishing a
 * job waits out a reconnect instead of losing the outcome.
 */
function createConnection(settings: BullMqJobQueueOptions, role: Role, timeoutMs: number): RedisConnection {
  const base: RedisOptions = { connectTimeout: timeoutMs };
  const perRole: RedisOptions =
    role === 'producer'
      ? { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: timeoutMs }
      : { ...base, maxRetriesPerRequest: null };
  if (settings.clusterNodes?.length) {
    const options: ClusterOptions = {
      enableOfflineQueue: role === 'worker',
      clusterRetryStrategy: reconnectDelay,
      redisOptions: perRole,
    };
    return new Cluster(settings.clusterNodes.map(parseNode), options);
  }
  if (settings.redisUrl) return new Redis(settings.redisUrl, { ...perRole, retryStrategy: reconnectDelay });
  throw new TypeError('BullMqJobQueue needs redisUrl or clusterNodes');
}

function parseNode(node: string): ClusterNode {
  const colon = node.lastIndexOf(':');
  const port = Number(node.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new TypeError(`Redis Cluster node must be host:port, got ${JSON.stringify(node)}`);
  }
  // `[::1]:7000`: ioredis wants the address without brackets.
  return { host: node.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port };
}

/** Quits politely when connected, else drops the socket; resolves once ioredis has let go of it. */
async function closeConnection(connection: RedisConnection): Promise<void> {
  if (connection.status === 'end') return;
  const ended = new Promise<void>((resolve) => connection.once('end', () => resolve()));
  if (connection.status === 'ready') {
    await connection.quit().catch(() => connection.disconnect());
  } else {
    connection.disconnect();
  }
  await withDeadline(ended, 1_000).catch(() => undefined);
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
