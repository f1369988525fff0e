import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackendUnavailableError } from '../../src/errors/auth-error.js';
import { BullMqJobQueue, type Job } from '../../src/jobs/index.js';
import { describeWithEnv } from '../helpers/real-backends.js';
import { hasRedisServer, startRedisServer, type OwnRedisServer } from '../state/redis-server.js';
import { runJobQueueConformance } from './conformance.js';
import { deferred, within, withTestOptions } from './harness.js';
import { runBullMqCases } from './redis-cases.js';
import { redisHarness } from './redis-harness.js';

describeWithEnv('REDIS_URL', 'BullMqJobQueue on Redis', (redisUrl) => {
  runJobQueueConformance('BullMQ on Redis', () => redisHarness({ redisUrl }));
  runBullMqCases('Redis', () => ({ redisUrl }));
});

describe.runIf(hasRedisServer())('BullMqJobQueue when its Redis goes away', () => {
  let server: OwnRedisServer | undefined;
  let queue: BullMqJobQueue | undefined;
  afterEach(async () => {
    await queue?.close();
    await server?.stop();
  });

  it('fails enqueue closed while Redis is down, and works again once it is back', async () => {
    server = await startRedisServer();
    const running = await BullMqJobQueue.connect({ redisUrl: server.url, options: withTestOptions() });
    queue = running;
    const ran = new Map([
      ['before', deferred<Job>()],
      ['after', deferred<Job>()],
    ]);
    running.start(async (job) => ran.get(job.name)?.resolve(job));
    await running.enqueue('before', {});
    await ran.get('before')!.promise;

    await server.stop();
    const failure = await within(running.enqueue('during', {}), 5_000, 'enqueue').catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(BackendUnavailableError);

    await server.restart();
    // Enqueue fails closed until the producer has reconnected; the worker reconnects on its own.
    const id = await vi.waitFor(() => running.enqueue('after', {}), { timeout: 10_000, interval: 100 });
    await expect(
      within(ran.get('after')!.promise, 10_000, 'the job after the restart'),
    ).resolves.toMatchObject({
      id,
    });
  });
});
