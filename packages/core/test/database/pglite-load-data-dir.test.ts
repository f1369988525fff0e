import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { openPgliteDatabase, type Database } from '../../src/database/index.js';
import { PGLITE_START_PARAMS } from '../../src/database/pglite-memory.js';

describe('an in-memory PGlite database started from a dump (loadDataDir)', () => {
  let first: Database;
  let second: Database;
  beforeAll(async () => {
    const source = await PGlite.create({ startParams: [...PGLITE_START_PARAMS] });
    await source.exec(
      `create table marks (name text primary key); insert into marks values ('from the dump')`,
    );
    const dump = await source.dumpDataDir('none');
    await source.close();
    first = await openPgliteDatabase({ loadDataDir: dump });
    second = await openPgliteDatabase({ loadDataDir: dump });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  const names = async (database: Database) =>
    (await database.sql.query<{ name: string }>('select name from marks order by name')).rows.map(
      (row) => row.name,
    );

  it("holds the dump's data, and each copy is its own database", async () => {
    expect(first.location).toBe('memory');
    expect(await names(first)).toEqual(['from the dump']);
    await first.sql.query(`insert into marks values ('only in the first')`);
    expect(await names(first)).toEqual(['from the dump', 'only in the first']);
    expect(await names(second)).toEqual(['from the dump']);
  });

  it('migrates like any database', async () => {
    await second.migrate();
    expect((await second.sql.query('select count(*)::int as n from users')).rows).toEqual([{ n: 0 }]);
    expect(await names(second)).toEqual(['from the dump']);
  });
});
