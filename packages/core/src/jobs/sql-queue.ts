import { BackendUnavailableError } from '../errors/auth-error.js';
import type { Database, SqlClient } from '../database/types.js';
import { systemRandom, type RandomSource } from '../util/random.js';
import {
  isPermanentJobError,
  type EnqueueOptions,
  type Job,
  type JobCounts,
  type JobHandler,
  type JobPayload,
  type JobQueue,
  type JobQueueOptions,
} from './types.js';
import {
  asError,
  DEFAULT_DRAIN_TIMEOUT_MS,
  describeFailure,
  retryDelayMs,
  waitUntilDrained,
} from './support.js';

/*
 * Table `jobs` (database/schema.ts). "Now" is the database's now(), so every instance
 * agrees on when a job is due and when a lease ran out, whatever their own clocks say.
 * Every parameter is cast (PGlite and PostgreSQL alike cannot always infer them).
 */

/** $1 id, $2 name, $3 payload (JSON text), $4 max attempts, $5 delay in ms */
const ENQUEUE = `INSERT INTO jobs (id, name, payload, max_attempts, run_at)
  VALUES ($1::text, $2::text, $3::jsonb, $4::int, now() + $5::float8 * interval '1 millisecond')`;

/**
 * $1 lease in seconds. Takes the oldest due job that no live lease holds. SKIP LOCKED lets
 * concurrent claimers pass each other instead of queueing on the same row; a claimer that
 * reads the row after another committed sees its fresh lease and skips it too.
 */
const CLAIM = `UPDATE jobs SET locked_until = now() + $1::float8 * interval '1 second', attempts = attempts + 1
  WHERE id = (
    SELECT id FROM jobs
    WHERE status = 'waiting' AND run_at <= now() AND attempts < max_attempts
      AND (locked_until IS NULL OR locked_until < now())
    ORDER BY run_at LIMIT 1 FOR UPDATE SKIP LOCKED)
  RETURNING id, name, payload, attempts, max_attempts`;

/** A job whose worker died during its last attempt: no attempt is left to run it again. */
const GIVE_UP_LOST = `UPDATE jobs SET status = 'failed', locked_until = NULL,
    last_error = 'worker lost during the last attempt (lease expired)'
  WHERE status = 'waiting' AND attempts >= max_attempts AND locked_until < now()`;

/**
 * The outcome statements match the attempt they report on ($2): a worker that outlived its
 * lease must not overwrite the state of a run another worker has started since.
 */
const COMPLETE = `DELETE FROM jobs WHERE id = $1::text`;

/** $1 id, $2 attempt, $3 delay in ms, $4 error */
const RETRY = `UPDATE jobs SET run_at = now() + $3::float8 * interval '1 millisecond', locked_until = NULL,
    last_error = $4::text
  WHERE id = $1::text AND attempts = $2::int`;

/** $1 id, $2 attempt, $3 error */
const FAIL = `UPDATE jobs SET status = 'failed', locked_until = NULL, last_error = $3::text
  WHERE id = $1::text AND attempts = $2::int`;

/** A job under a live lease counts as running; one whose lease ran out waits to be taken again. */
const COUNTS = `SELECT
    count(*) FILTER (WHERE status = 'waiting' AND (locked_until IS NULL OR locked_until < now()))::int AS waiting,
    count(*) FILTER (WHERE status = 'waiting' AND locked_until >= now())::int AS active,
    count(*) FILTER (WHERE status = 'failed')::int AS failed
  FROM jobs`;

interface ClaimedRow {
  id: string;
  name: string;
  payload: JobPayload;
  attempts: number;
  max_attempts: number;
}

export interface SqlJobQueueOptions {
  /** Its `sql` surface carries every statement; the queue never closes the database. */
  database: Pick<Database, 'sql'>;
  /**
   * `leaseSeconds` may be fractional here (tests); configuration allows 5 s and up. A handler
   * running longer than the lease may see its job run a second time elsewhere.
   */
  options: JobQueueOptions;
  /** Background failures (a poll or an outcome write that did not reach the database), for logging. */
  onError?: (error: Error) => void;
  /** Job ids (default: the system's CSPRNG). */
  random?: RandomSource | undefined;
}

/**
 * The job queue on PostgreSQL or PGlite. Workers poll for due jobs and lease what they take;
 * a worker that dies loses its lease and the job runs again elsewhere (at-least-once).
 */
export class SqlJobQueue implements JobQueue {
  readonly kind = 'sql' as const;
  private readonly sql: SqlClient;
  private readonly options: JobQueueOptions;
  private readonly onError: ((error: Error) => void) | undefined;
  private readonly random: RandomSource;
  private handler: JobHandler | undefined;
  private readonly running = new Set<Promise<void>>();
  private pumping: Promise<void> | undefined;
  /** Set when a wake-up arrives mid-pump: the pump goes round again instead of missing it. */
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: SqlJobQueueOptions) {
    this.sql = options.database.sql;
    this.options = options.options;
    this.onError = options.onError;
    this.random = options.random ?? systemRandom;
    if (!(this.options.leaseSeconds > 0) || !(this.options.concurrency >= 1)) {
      throw new TypeError('SqlJobQueue needs leaseSeconds > 0 and concurrency >= 1');
    }
  }

  async enqueue(name: string, payload: JobPayload, options: EnqueueOptions = {}): Promise<string> {
    if (this.closed) throw new BackendUnavailableError('database', new Error('SqlJobQueue is closed'));
    const id = this.random.uuid();
    const delayMs = Math.max(0, options.delayMs ?? 0);
    try {
      await this.sql.query(ENQUEUE, [id, name, JSON.stringify(payload), this.options.maxAttempts, delayMs]);
    } catch (error) {
      // Whatever kept the row from being stored, the caller must not answer "sent".
      throw error instanceof BackendUnavailableError ? error : new BackendUnavailableError('database', error);
    }
    // Woken only after the caller's answer went out: run inline, the job's per-account work
    // (e.g. a reset mail for a known address only) would show in the response time and undo
    // the enumeration safety of forgot/resend (API.md "Timing").
    if (delayMs === 0) setImmediate(() => this.wake());
    return id;
  }

  start(handler: JobHandler): void {
    if (this.closed) throw new Error('SqlJobQueue is closed');
    if (this.handler) throw new Error('SqlJobQueue is already started');
    this.handler = handler;
    this.wake();
  }

  async stop(): Promise<void> {
    this.handler = undefined;
    clearTimeout(this.timer);
    // A pump may have claimed a job just now: it is handed to `running` before the pump ends.
    await this.pumping;
    await Promise.allSettled([...this.running]);
  }

  async counts(): Promise<JobCounts> {
    const { rows } = await this.sql.query<JobCounts>(COUNTS);
    const row = rows[0];
    return {
      waiting: Number(row?.waiting ?? 0),
      active: Number(row?.active ?? 0),
      failed: Number(row?.failed ?? 0),
    };
  }

  drain(timeoutMs = DEFAULT_DRAIN_TIMEOUT_MS): Promise<void> {
    return waitUntilDrained(() => this.counts(), timeoutMs, Math.min(this.options.pollIntervalMs, 50));
  }

  /** Stops processing. The database belongs to the caller and stays open. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
  }

  /** Looks for work now: on start, after an enqueue here, when a slot frees up, and on each poll. */
  private wake(): void {
    if (!this.handler) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.again = false;
    clearTimeout(this.timer);
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      if (this.again) this.wake();
      else this.scheduleNextPoll();
    });
  }

  /** Claims jobs until the slots are full or nothing is due. Never rejects: the next poll retries. */
  private async pump(): Promise<void> {
    try {
      while (this.handler && this.running.size < this.options.concurrency) {
        const handler = this.handler;
        const claimed = await this.claim();
        if (!claimed) {
          await this.sql.query(GIVE_UP_LOST);
          return;
        }
        // Run it even if stop() came meanwhile: the lease is taken, and stop() waits for it.
        this.track(this.process(handler, claimed));
      }
    } catch (error) {
      this.report(error);
    }
  }

  /** Idle with free slots: poll. With every slot busy, a finishing job wakes the queue instead. */
  private scheduleNextPoll(): void {
    if (!this.handler || this.running.size >= this.options.concurrency) return;
    this.timer = setTimeout(() => this.wake(), this.options.pollIntervalMs);
    // The poll alone must not keep a process alive that has nothing else to do.
    this.timer.unref();
  }

  private async claim(): Promise<ClaimedRow | undefined> {
    const { rows } = await this.sql.query<ClaimedRow>(CLAIM, [this.options.leaseSeconds]);
    return rows[0];
  }

  private track(run: Promise<void>): void {
    const tracked = run.finally(() => {
      this.running.delete(tracked);
      this.wake();
    });
    this.running.add(tracked);
  }

  /** Runs one claimed job and records its outcome. Never rejects. */
  private async process(handler: JobHandler, row: ClaimedRow): Promise<void> {
    const job: Job = { id: row.id, name: row.name, payload: row.payload, attempt: row.attempts };
    const failure = await Promise.resolve()
      .then(() => handler(job))
      .then(
        () => undefined,
        (error: unknown) => ({ error }),
      );
    try {
      if (!failure) await this.sql.query(COMPLETE, [job.id]);
      else await this.recordFailure(row, failure.error);
    } catch (error) {
      // The outcome is lost with the database: the lease runs out and the job runs again.
      this.report(error);
    }
  }

  private async recordFailure(row: ClaimedRow, error: unknown): Promise<void> {
    const message = describeFailure(error);
    if (row.attempts < row.max_attempts && !isPermanentJobError(error)) {
      const delayMs = retryDelayMs(this.options.backoffBaseMs, row.attempts);
      await this.sql.query(RETRY, [row.id, row.attempts, delayMs, message]);
    } else {
      await this.sql.query(FAIL, [row.id, row.attempts, message]);
    }
  }

  private report(error: unknown): void {
    try {
      this.onError?.(asError(error));
    } catch {
      // A failing logger must not stop the queue.
    }
  }
}
