import { createServer } from 'node:net';
import type { JobQueue, JobQueueOptions } from '../../src/jobs/index.js';

/** One backend under test. Every queue opened from one harness shares its jobs (one database, one Redis prefix). */
export interface JobQueueHarness {
  /** Another queue instance on the backend: a second worker, as if in another process. */
  open(options?: Partial<JobQueueOptions>): Promise<JobQueue>;
  /** A queue whose backend is gone: a closed database, a Redis port nobody listens on. */
  openUnavailable(): Promise<JobQueue>;
  /**
   * Simulates a process restart: closes every queue and connection opened so far (PGlite:
   * the database itself, reopened from its data directory). Absent where a restart cannot
   * keep data (in-memory PGlite).
   */
  restart?(): Promise<void>;
  /** Closes what is left and removes the test's data. */
  close(): Promise<void>;
}

export type JobQueueHarnessFactory = () => Promise<JobQueueHarness>;

/** Small numbers so retries and polls take milliseconds; a one-second lease for the crash cases. */
export const TEST_OPTIONS: JobQueueOptions = {
  maxAttempts: 3,
  backoffBaseMs: 20,
  concurrency: 2,
  pollIntervalMs: 20,
  leaseSeconds: 1,
};

export const withTestOptions = (options: Partial<JobQueueOptions> = {}): JobQueueOptions => ({
  ...TEST_OPTIONS,
  ...options,
});

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/** Rejects with a plain Error if `promise` is still pending after `ms`: "fails promptly, never hangs". */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** A loopback port nothing listens on (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Queues opened by a harness, closed together (each close is idempotent). */
export class QueueSet {
  private readonly queues: JobQueue[] = [];

  add<Q extends JobQueue>(queue: Q): Q {
    this.queues.push(queue);
    return queue;
  }

  async closeAll(): Promise<void> {
    const queues = this.queues.splice(0);
    await Promise.all(queues.map((queue) => queue.close()));
  }
}
