import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import type { Database } from '../../src/database/index.js';
import { runJobQueueConformance, runRestartCase } from './conformance.js';
import type { JobQueueHarness } from './harness.js';
import { runSqlQueueCases } from './sql-cases.js';
import { diskPgliteHarness, memoryPgliteHarness } from './sql-harness.js';
import { openMemoryDatabase } from '../helpers/memory-database.js';

let database: Database;
beforeAll(async () => {
  database = await openMemoryDatabase();
  await database.migrate();
});
afterAll(() => database?.close());

runJobQueueConformance('SQL on PGlite (in memory)', () => memoryPgliteHarness(database), false);
runSqlQueueCases('PGlite (in memory)', () => memoryPgliteHarness(database));

describe('SqlJobQueue on PGlite in a data directory', () => {
  let harness: JobQueueHarness;
  beforeEach(async () => {
    harness = await diskPgliteHarness();
  });
  afterEach(() => harness.close());

  runRestartCase(() => harness);
});
