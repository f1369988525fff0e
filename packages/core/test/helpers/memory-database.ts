import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { openPgliteDatabase, type Database } from '../../src/database/index.js';

let template: Blob | undefined;

/**
 * An in-memory PGlite database for a test: a copy of the run's migrated template, so it
 * starts without initdb and `migrate()` finds nothing to do (without a template, e.g. when
 * the global setup did not run, a fresh database as `openPgliteDatabase()` makes).
 */
export async function openMemoryDatabase(): Promise<Database> {
  const path = inject('pgliteTemplate');
  if (path && !template) template = new Blob([readFileSync(path)]);
  return openPgliteDatabase(template ? { loadDataDir: template } : {});
}
