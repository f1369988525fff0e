import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPostgresDatabase } from '../../src/database/index.js';
import { BackendUnavailableError } from '../../src/errors/auth-error.js';
import { createScratchPostgres, describeWithEnv } from '../helpers/real-backends.js';
import { databaseContract } from './database.contract.js';

describeWithEnv('DATABASE_URL', 'Database on PostgreSQL', (baseUrl) => {
  let scratch: Awaited<ReturnType<typeof createScratchPostgres>>;
  beforeAll(async () => {
    scratch = await createScratchPostgres(baseUrl);
  });
  afterAll(() => scratch?.drop());

  databaseContract(() => openPostgresDatabase({ url: scratch.url }));

  it('lets instances migrate at the same time', async () => {
    const instances = await Promise.all([1, 2, 3].map(() => openPostgresDatabase({ url: scratch.url })));
    await Promise.all(instances.map((instance) => instance.migrate()));
    await Promise.all(instances.map((instance) => instance.close()));
  });

  it('reports an unreachable server as unavailable', async () => {
    const down = await openPostgresDatabase({
      url: 'postgres://postgres@127.0.0.1:1/none',
      connectTimeoutMs: 1000,
    });
    await expect(down.ping()).rejects.toBeInstanceOf(BackendUnavailableError);
    await down.close();
  });
});
