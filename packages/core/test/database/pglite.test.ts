import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPgliteDatabase } from '../../src/database/index.js';
import { createPgliteDataDirectory } from '../../src/database/pglite-memory.js';
import { isAuthError } from '../../src/errors/auth-error.js';
import { databaseContract } from './database.contract.js';

describe('Database on in-memory PGlite', () => databaseContract(() => openPgliteDatabase()));

describe('PGlite memory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gh-pglite-memory-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs with a buffer pool sized for an embedded database, not the stock 128 MB', async () => {
    for (const database of [await openPgliteDatabase(), await openPgliteDatabase({ dataDir: dir })]) {
      const { rows } = await database.sql.query<{ shared_buffers: string }>('show shared_buffers');
      expect(rows).toEqual([{ shared_buffers: '16MB' }]);
      await database.close();
    }
  }, 180_000);

  it('creates a data directory (initdb) in a child process and leaves an existing one alone', async () => {
    const path = join(dir, 'created-by-child');
    expect(await createPgliteDataDirectory(path)).toBe(true);
    expect(existsSync(join(path, 'PG_VERSION'))).toBe(true);
    expect(await createPgliteDataDirectory(path)).toBe(false);
  }, 180_000);
});

describe('Database on PGlite in a data dir', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gh-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps data across reopen and refuses a second opener while held', async () => {
    const first = await openPgliteDatabase({ dataDir: dir });
    await first.migrate();
    await first.sql.query(`insert into tenants (id, name) values ('kept', 'Kept')`);

    const second = await openPgliteDatabase({ dataDir: dir }).catch((error: unknown) => error);
    expect(isAuthError(second) && second.code).toBe('database_locked');
    expect(String((second as Error).message)).toMatch(/in use by process \d+.*DATABASE_URL/s);

    await first.close();
    expect(existsSync(join(dir, 'gatehouse.lock'))).toBe(false);
    const reopened = await openPgliteDatabase({ dataDir: dir });
    const { rows } = await reopened.sql.query<{ name: string }>(`select name from tenants where id = 'kept'`);
    expect(rows).toEqual([{ name: 'Kept' }]);
    await reopened.close();
    // initdb on a busy 2-core machine takes tens of seconds.
  }, 180_000);

  it('takes over a lock left by a process that died', async () => {
    writeFileSync(
      join(dir, 'gatehouse.lock'),
      JSON.stringify({ pid: 2 ** 22 + 7, command: 'crashed', since: '' }),
    );
    const database = await openPgliteDatabase({ dataDir: dir });
    await database.ping();
    await database.close();
  });
});
