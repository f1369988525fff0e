import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { migrationsFolder } from '../../src/database/migrations.js';
import { PGLITE_START_PARAMS } from '../../src/database/pglite-memory.js';

/**
 * A migrated in-memory database, dumped once so that every test database starts as a copy
 * of it (`openPgliteDatabase({ loadDataDir })`): initdb costs ~2 s of CPU per database,
 * loading the dump ~0.5 s, and the suites open hundreds. The file is named after what
 * shapes it (the migrations, the start parameters, the PGlite version), so a changed
 * migration makes a new one and an unchanged tree reuses the last run's.
 */
export async function pgliteTemplate(cacheDir: string): Promise<string> {
  const path = join(cacheDir, `pglite-template-${templateKey()}.tar`);
  if (existsSync(path)) return path;
  const client = await PGlite.create({ startParams: [...PGLITE_START_PARAMS] });
  try {
    await migrate(drizzle({ client }), { migrationsFolder });
    const dump = await client.dumpDataDir('none');
    mkdirSync(cacheDir, { recursive: true });
    // Another run may write the same file at the same time: each renames a whole file into place.
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, path);
  } finally {
    await client.close();
  }
  return path;
}

/**
 * The same migrated database as a data directory, for the end-to-end tests' real processes:
 * a test that is not about the first start copies it into its data directory (see
 * packages/cli/test/helpers/process.ts `seedDataDir`) instead of having each process run
 * initdb and the migrations.
 */
export async function pgliteTemplateDirectory(cacheDir: string): Promise<string> {
  const path = join(cacheDir, `pglite-directory-${templateKey()}`);
  if (existsSync(join(path, 'PG_VERSION'))) return path;
  const partial = `${path}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  const client = await PGlite.create(partial, { startParams: [...PGLITE_START_PARAMS] });
  try {
    await migrate(drizzle({ client }), { migrationsFolder });
  } finally {
    await client.close();
  }
  try {
    renameSync(partial, path);
  } catch (error) {
    // Another run put the same directory in place first: theirs is as good.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(join(path, 'PG_VERSION'))) throw error;
  }
  return path;
}

function templateKey(): string {
  const hash = createHash('sha256');
  // The package exports no package.json: read it beside the resolved entry point (dist/).
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const { version } = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  hash.update(`pglite ${version}\n${PGLITE_START_PARAMS.join(' ')}\n`);
  for (const file of filesUnder(migrationsFolder)) {
    hash.update(`${relative(migrationsFolder, file)}\n`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}
