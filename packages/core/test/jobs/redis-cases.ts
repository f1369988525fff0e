import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BullMqJobQueue, type Job } from '../../src/jobs/index.js';
import { withTestOptions } from './harness.js';
import { redisHarness, type RedisHarness, type RedisTarget } from './redis-harness.js';

/** Sockets and timers this process holds: what would keep it (or vitest) from exiting. */
const openHandles = () =>
  process.getActiveResourcesInfo().filter((kind) => kind === 'TCPSocketWrap' || kind === 'Timeout').length;
const openSockets = () => process.getActiveResourcesInfo().filter((kind) => kind === 'TCPSocketWrap').length;

/** What only the BullMQ queue does. */
export function runBullMqCases(name: string, target: () => RedisTarget): void {
  describe(`BullMqJobQueue: ${name}`, () => {
    let harness: RedisHarness;
    beforeEach(async () => {
      harness = await redisHarness(target());
    });
    afterEach(() => harness.close());

    it('close() lets go of every connection and timer it made', async () => {
      const before = openHandles();
      const socketsBefore = openSockets();
      const queue = await BullMqJobQueue.connect({
        ...target(),
        prefix: harness.prefix,
        options: withTestOptions(),
      });
      const runs: Job[] = [];
      queue.start(async (job) => {
        runs.push(job);
      });
      await queue.enqueue('one', {});
      await queue.drain(10_000);
      // The measure sees the queue's connections (counted as sockets: with timers in the
      // count, timers ending meanwhile now and then made it stand still).
      expect(openSockets()).toBeGreaterThan(socketsBefore);
      await queue.close();
      expect(runs).toHaveLength(1);
      await vi.waitFor(() => expect(openHandles()).toBeLessThanOrEqual(before), { timeout: 3_000 });
    });

    it('close() on a queue that never reached Redis ends at once and leaves nothing open', async () => {
      const before = openHandles();
      const queue = await harness.openUnavailable();
      queue.start(async () => undefined);
      await queue.close();
      await vi.waitFor(() => expect(openHandles()).toBeLessThanOrEqual(before), { timeout: 3_000 });
    });
  });
}
