import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BackendUnavailableError } from '../../src/errors/auth-error.js';
import type { Database, SqlClient } from '../../src/database/index.js';
import { SqlJobQueue, type Job } from '../../src/jobs/index.js';
import { deferred, sleep, withTestOptions } from './harness.js';
import type { SqlHarness } from './sql-harness.js';

interface JobRow {
  status: string;
  attempts: number;
  last_error: string | null;
  locked_until: Date | string | null;
  /** Seconds from the database's now() to run_at. */
  due_in: number;
}

async function jobRow(database: Database, id: string): Promise<JobRow | undefined> {
  const { rows } = await database.sql.query<JobRow>(
    `SELECT status, attempts, last_error, locked_until,
       extract(epoch FROM run_at - now())::float8 AS due_in
     FROM jobs WHERE id = $1`,
    [id],
  );
  return rows[0];
}

/** The database, except that every statement fails while `down` is set (an outage on cue). */
function flaky(database: Database) {
  const state = { down: false };
  const sql: SqlClient = {
    query<R>(text: string, params?: unknown[]) {
      if (state.down) return Promise.reject(new BackendUnavailableError('database', new Error('outage')));
      return database.sql.query<R>(text, params);
    },
  };
  return { database: { sql }, state };
}

/** What only the SQL queue does: its rows, its leases, its polling. */
export function runSqlQueueCases(name: string, factory: () => Promise<SqlHarness>): void {
  describe(`SqlJobQueue: ${name}`, () => {
    let harness: SqlHarness;
    beforeEach(async () => {
      harness = await factory();
    });
    afterEach(() => harness.close());

    it('keeps a short message and no stack for a failed job', async () => {
      const queue = await harness.open({ maxAttempts: 1 });
      queue.start(async () => {
        throw new Error(`smtp said: ${'x'.repeat(2_000)}`);
      });
      const id = await queue.enqueue('noisy', {});
      await queue.drain(10_000);
      const row = await jobRow(harness.database(), id);
      expect(row).toMatchObject({ status: 'failed', attempts: 1 });
      expect(row?.last_error?.startsWith('smtp said: xxx')).toBe(true);
      expect(row?.last_error?.length).toBeLessThanOrEqual(500);
      expect(row?.last_error).not.toMatch(/\n\s+at /);
    });

    it('schedules a retry after backoffBaseMs, releasing the lease and keeping the error', async () => {
      const backoffBaseMs = 60_000;
      const queue = await harness.open({ backoffBaseMs });
      const failed = deferred<Job>();
      queue.start(async (job) => {
        failed.resolve(job);
        throw new TypeError('connection refused');
      });
      const id = await queue.enqueue('retry-later', {});
      await failed.promise;
      await vi.waitFor(async () => expect((await jobRow(harness.database(), id))?.last_error).toBeTruthy());
      const row = await jobRow(harness.database(), id);
      expect(row).toMatchObject({
        status: 'waiting',
        attempts: 1,
        last_error: 'TypeError: connection refused',
        locked_until: null,
      });
      // The first retry waits backoffBaseMs × 2^0 (measured by the database's own clock).
      expect(row!.due_in / (backoffBaseMs / 1000)).toBeGreaterThan(0.9);
      expect(row!.due_in / (backoffBaseMs / 1000)).toBeLessThanOrEqual(1);
      expect(await queue.counts()).toEqual({ waiting: 1, active: 0, failed: 0 });
    });

    it('takes a job enqueued in this process at once, without waiting for the next poll', async () => {
      const queue = await harness.open({ pollIntervalMs: 60_000 });
      const ran = deferred<Job>();
      queue.start(async (job) => ran.resolve(job));
      await sleep(50); // the first look found nothing; the next poll is a minute away
      const id = await queue.enqueue('prompt', {});
      // Far below the poll interval: only the wake-up on enqueue can make it.
      await expect(Promise.race([ran.promise, sleep(5_000).then(() => null)])).resolves.toMatchObject({ id });
    });

    it('reports failing polls, keeps polling, and recovers when the database is back', async () => {
      const { database, state } = flaky(harness.database());
      const errors: Error[] = [];
      const queue = harness.track(
        new SqlJobQueue({ database, options: withTestOptions(), onError: (error) => errors.push(error) }),
      );
      const id = await queue.enqueue('patient', {});
      state.down = true;
      const ran = deferred<Job>();
      queue.start(async (job) => ran.resolve(job));
      await vi.waitFor(() => expect(errors.length).toBeGreaterThanOrEqual(3), { timeout: 5_000 });
      expect(errors[0]).toBeInstanceOf(BackendUnavailableError);
      await expect(queue.enqueue('refused', {})).rejects.toBeInstanceOf(BackendUnavailableError);
      state.down = false;
      await expect(ran.promise).resolves.toMatchObject({ id, attempt: 1 });
    });

    it('gives the job of a worker that stopped answering to another worker once its lease ran out', async () => {
      const abandoned = await harness.open({ concurrency: 1, leaseSeconds: 1 });
      const claimed = deferred<{ job: Job; at: number }>();
      const never = deferred(); // released only after the test, so the harness can close it
      abandoned.start(async (job) => {
        claimed.resolve({ job, at: performance.now() });
        await never.promise;
      });
      try {
        const id = await abandoned.enqueue('fragile', { n: 7 });
        const first = await claimed.promise;
        const rescuer = await harness.open({ leaseSeconds: 1 });
        const rescued = deferred<{ job: Job; at: number }>();
        rescuer.start(async (job) => rescued.resolve({ job, at: performance.now() }));
        const second = await rescued.promise;
        expect(first.job).toEqual({ id, name: 'fragile', payload: { n: 7 }, attempt: 1 });
        expect(second.job).toEqual({ id, name: 'fragile', payload: { n: 7 }, attempt: 2 });
        // Not before the one-second lease ran out (a ratio; 0.8 allows for the claim's own latency).
        expect((second.at - first.at) / 1_000).toBeGreaterThanOrEqual(0.8);
        await rescuer.drain(5_000);
      } finally {
        never.resolve();
      }
    });

    it('marks failed a job whose worker was lost during its last attempt', async () => {
      const abandoned = await harness.open({ concurrency: 1, leaseSeconds: 1, maxAttempts: 1 });
      const claimed = deferred();
      const never = deferred();
      abandoned.start(async () => {
        claimed.resolve();
        await never.promise;
      });
      try {
        const id = await abandoned.enqueue('doomed', {});
        await claimed.promise;
        const rescuer = await harness.open({ leaseSeconds: 1, maxAttempts: 1 });
        const runs: Job[] = [];
        rescuer.start(async (job) => {
          runs.push(job);
        });
        await vi.waitFor(async () => expect((await rescuer.counts()).failed).toBe(1), {
          timeout: 5_000,
          interval: 50,
        });
        expect(runs).toEqual([]);
        expect(await jobRow(harness.database(), id)).toMatchObject({
          status: 'failed',
          attempts: 1,
          last_error: expect.stringMatching(/lease expired/),
        });
      } finally {
        never.resolve();
      }
    });
  });
}
