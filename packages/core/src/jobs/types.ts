/**
 * The job queue port: durable background work (sending mail and SMS, and the per-account
 * work that enumeration-safe requests defer). Two implementations: a SQL queue on the
 * Database (PostgreSQL or PGlite) and BullMQ on Redis. Both keep a job until its handler
 * finished, so a process that dies mid-job has it run again (at-least-once delivery).
 */
export interface JobQueue {
  /** 'sql' | 'bullmq' */
  readonly kind: JobQueueKind;

  /**
   * Stores a job durably and returns its id once it is safe (committed / acknowledged by
   * Redis). Throws BackendUnavailableError when the backend cannot take it, so the request
   * fails closed instead of answering "sent".
   */
  enqueue(name: string, payload: JobPayload, options?: EnqueueOptions): Promise<string>;

  /**
   * Starts processing in this process with one handler for every job name. A handler that
   * throws has its job retried with exponential backoff (`jobs.backoffBaseMs × 2^(attempt-1)`)
   * until `jobs.maxAttempts`; a `PermanentJobError` (or any error with `permanent: true`)
   * ends the job at once. Either way the job then stays as failed (never silently dropped).
   */
  start(handler: JobHandler): void;

  /** Stops taking new jobs and waits for the running ones to finish. */
  stop(): Promise<void>;

  /** Waiting (incl. delayed and retrying), running, and failed (out of attempts) jobs. */
  counts(): Promise<JobCounts>;

  /** Resolves when nothing is waiting or running (tests, graceful shutdown); rejects after `timeoutMs`. */
  drain(timeoutMs?: number): Promise<void>;

  /** Stops (if started) and releases connections. */
  close(): Promise<void>;
}

export type JobQueueKind = 'sql' | 'bullmq';

/** JSON-serialisable job data. Never put a secret here: jobs are stored in clear. */
export type JobPayload = Record<string, string | number | boolean | null>;

export interface EnqueueOptions {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
}

export interface Job {
  id: string;
  name: string;
  payload: JobPayload;
  /** 1 on the first run, 2 on the first retry, ... */
  attempt: number;
}

export type JobHandler = (job: Job) => Promise<void>;

export interface JobCounts {
  waiting: number;
  active: number;
  failed: number;
}

export interface JobQueueOptions {
  maxAttempts: number;
  backoffBaseMs: number;
  concurrency: number;
  /** SQL queue only. */
  pollIntervalMs: number;
  /** SQL queue only. */
  leaseSeconds: number;
}

/** A failure retrying cannot fix: the job is marked failed at once. */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
  readonly permanent = true;
}

export const isPermanentJobError = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { permanent?: unknown }).permanent === true;
