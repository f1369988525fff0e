import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { pgliteTemplate } from '../packages/core/test/helpers/pglite-template.js';

/**
 * Before any test, side by side:
 * - The end-to-end tests run the real `gatehouse` binary, so the packages are built
 *   (incremental: near-instant when nothing changed). `GATEHOUSE_TEST_SKIP_BUILD=1` skips
 *   it for runs that hold no end-to-end test (they import the sources directly), e.g.
 *   while another change is half-written.
 * - The migrated PGlite template every in-memory test database is copied from
 *   (packages/core/test/helpers/memory-database.ts), cached in node_modules/.cache.
 */
export default async function setup(project: TestProject): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const [, template] = await Promise.all([
    build(root),
    pgliteTemplate(join(root, 'node_modules', '.cache', 'gatehouse-test')),
  ]);
  project.provide('pgliteTemplate', template);
}

function build(root: string): Promise<void> {
  if (process.env.GATEHOUSE_TEST_SKIP_BUILD === '1') return Promise.resolve();
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsc, '-b', 'packages/cli'], { cwd: root, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`tsc -b packages/cli exited with ${code}`)),
    );
  });
}
