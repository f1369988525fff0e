import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresDatabase } from '../../src/database/index.js';
import type { Job } from '../../src/jobs/index.js';
import { createScratchPostgres, describeWithEnv } from '../helpers/real-backends.js';
import { runJobQueueConformance } from './conformance.js';
import { within } from './harness.js';
import { runSqlQueueCases } from './sql-cases.js';
import { postgresHarness, type SqlHarness } from './sql-harness.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CRASHING_WORKER = fileURLToPath(new URL('./fixtures/claim-and-hang.ts', import.meta.url));

describeWithEnv('DATABASE_URL', 'SqlJobQueue on PostgreSQL', (databaseUrl) => {
  let scratch: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    scratch = await createScratchPostgres(databaseUrl);
    const database = await openPostgresDatabase({ url: scratch.url, poolSize: 1 });
    await database.migrate();
    await database.close();
  });
  afterAll(() => scratch?.drop());

  runJobQueueConformance('SQL on PostgreSQL', () => postgresHarness(scratch.url));
  runSqlQueueCases('PostgreSQL', () => postgresHarness(scratch.url));

  describe('a worker process killed mid-job', () => {
    let harness: SqlHarness;
    beforeEach(async () => {
      harness = await postgresHarness(scratch.url);
    });
    afterEach(() => harness.close());

    it('has its job run by another instance once the lease ran out', async () => {
      const producer = await harness.open();
      const id = await producer.enqueue('fragile', { n: 1 });

      const child = spawn(process.execPath, ['--import', 'tsx', CRASHING_WORKER, scratch.url, '1'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = once(child, 'exit');
      try {
        const lines = createInterface({ input: child.stdout! });
        const [line] = (await within(once(lines, 'line'), 15_000, 'the worker process')) as [string];
        expect(JSON.parse(line)).toEqual({ claimed: id, attempt: 1 });
      } finally {
        child.kill('SIGKILL');
        await exited;
      }
      expect(child.signalCode).toBe('SIGKILL');
      // The dead worker left its claim behind: nothing but the lease will free the job.
      const { rows } = await harness
        .database()
        .sql.query('SELECT status, attempts FROM jobs WHERE id = $1', [id]);
      expect(rows).toEqual([{ status: 'waiting', attempts: 1 }]);

      const rescuer = await harness.open({ leaseSeconds: 1 });
      const runs: Job[] = [];
      rescuer.start(async (job) => {
        runs.push(job);
      });
      await rescuer.drain(10_000);
      expect(runs).toEqual([{ id, name: 'fragile', payload: { n: 1 }, attempt: 2 }]);
    });
  });
});
