import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../../src/errors/auth-error.js';
import { PermanentJobError, type Job } from '../../src/jobs/index.js';
import { deferred, sleep, within, type JobQueueHarness, type JobQueueHarnessFactory } from './harness.js';

const DRAIN_MS = 10_000;
const EMPTY = { waiting: 0, active: 0, failed: 0 };

/** What every JobQueue must do, whatever its backend. */
export function runJobQueueConformance(
  name: string,
  factory: JobQueueHarnessFactory,
  /** False where the harness cannot keep data across a restart (in-memory PGlite): that case runs elsewhere. */
  restartable = true,
): void {
  describe(`JobQueue conformance: ${name}`, () => {
    let harness: JobQueueHarness;
    beforeEach(async () => {
      harness = await factory();
    });
    afterEach(() => harness.close());

    it('runs a job once, with its name, payload and id, as attempt 1', async () => {
      const queue = await harness.open();
      const runs: Job[] = [];
      queue.start(async (job) => {
        runs.push(job);
      });
      const payload = { email: 'ada@example.com', count: 3, flag: true, nothing: null };
      const id = await queue.enqueue('send-mail', payload);
      await queue.drain(DRAIN_MS);
      await sleep(50); // a second delivery would show up here
      expect(runs).toEqual([{ id, name: 'send-mail', payload, attempt: 1 }]);
      expect(await queue.counts()).toEqual(EMPTY);
    });

    it('runs each of many jobs enqueued at once exactly once across two workers', async () => {
      const first = await harness.open();
      const second = await harness.open();
      const runsById = new Map<string, number>();
      const handler = async (job: Job) => {
        runsById.set(job.id, (runsById.get(job.id) ?? 0) + 1);
        await sleep(2);
      };
      first.start(handler);
      second.start(handler);
      const ids = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? first : second).enqueue('bulk', { i })),
      );
      await first.drain(DRAIN_MS);
      await sleep(50);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...runsById.keys()].sort()).toEqual([...ids].sort());
      expect([...runsById.values()].every((count) => count === 1)).toBe(true);
      expect(await second.counts()).toEqual(EMPTY);
    });

    it('retries a throwing handler with attempts 1, 2, 3, then keeps the job as failed', async () => {
      const queue = await harness.open({ maxAttempts: 3, backoffBaseMs: 20 });
      const attempts: number[] = [];
      queue.start(async (job) => {
        attempts.push(job.attempt);
        throw new Error(`flaky ${job.attempt}`);
      });
      await queue.enqueue('flaky', {});
      await queue.drain(DRAIN_MS);
      expect(attempts).toEqual([1, 2, 3]);
      expect(await queue.counts()).toEqual({ waiting: 0, active: 0, failed: 1 });
    });

    it('fails a job at once on a PermanentJobError or any error marked permanent', async () => {
      const queue = await harness.open({ maxAttempts: 5 });
      const attempts: string[] = [];
      queue.start(async (job) => {
        attempts.push(`${job.name}#${job.attempt}`);
        if (job.name === 'class') throw new PermanentJobError('no such mailbox');
        throw Object.assign(new Error('rejected by provider'), { permanent: true });
      });
      await queue.enqueue('class', {});
      await queue.enqueue('flagged', {});
      await queue.drain(DRAIN_MS);
      expect(attempts.sort()).toEqual(['class#1', 'flagged#1']);
      expect(await queue.counts()).toEqual({ waiting: 0, active: 0, failed: 2 });
    });

    it('does not run a delayed job before its time', async () => {
      const delayMs = 500;
      const queue = await harness.open();
      const ran: { name: string; at: number }[] = [];
      queue.start(async (job) => {
        ran.push({ name: job.name, at: performance.now() });
      });
      const enqueuedAt = performance.now();
      await queue.enqueue('later', {}, { delayMs });
      await queue.enqueue('now', {});
      await queue.drain(DRAIN_MS);
      expect(ran.map((run) => run.name)).toEqual(['now', 'later']);
      // A ratio, not a time: the wait is the delay or more (0.9 allows for timestamp rounding).
      expect((ran[1]!.at - enqueuedAt) / delayMs).toBeGreaterThanOrEqual(0.9);
    });

    it('stop() waits for the running handler, which completes its job', async () => {
      const queue = await harness.open();
      const started = deferred();
      const release = deferred();
      const events: string[] = [];
      queue.start(async () => {
        started.resolve();
        await release.promise;
        events.push('handler finished');
      });
      await queue.enqueue('slow', {});
      await started.promise;
      const stopping = queue.stop().then(() => events.push('stopped'));
      await sleep(100);
      expect(events).toEqual([]);
      release.resolve();
      await stopping;
      expect(events).toEqual(['handler finished', 'stopped']);
      expect(await queue.counts()).toEqual(EMPTY);
    });

    it('fails enqueue promptly with BackendUnavailableError when the backend is gone', async () => {
      const queue = await harness.openUnavailable();
      const failure = await within(queue.enqueue('lost', {}), 5_000, 'enqueue').catch(
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(BackendUnavailableError);
    });

    if (restartable) runRestartCase(() => harness);
  });
}

/**
 * Survival across a restart: a job enqueued by an instance that is then shut down without
 * ever processing runs in the next instance. Registered only where the harness can restart.
 */
export function runRestartCase(harness: () => JobQueueHarness | undefined): void {
  it('keeps a job across a restart: enqueued by one instance, run by the next', async () => {
    const current = harness();
    if (!current?.restart) throw new Error('this harness cannot restart: pass restartable = false');
    const first = await current.open();
    const id = await first.enqueue('survivor', { n: 1 });
    await current.restart();
    const second = await current.open();
    const runs: Job[] = [];
    second.start(async (job) => {
      runs.push(job);
    });
    await second.drain(DRAIN_MS);
    expect(runs).toEqual([{ id, name: 'survivor', payload: { n: 1 }, attempt: 1 }]);
  });
}
