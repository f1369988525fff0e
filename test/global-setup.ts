import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { pgliteTemplate, pgliteTemplateDirectory } from '../packages/core/test/helpers/pglite-template.js';

/**
 * Before any test, side by side:
 * - The end-to-end tests run the real `gatehouse` binary and serve the client's browser
 *   build, so the packages are built
 *   (incremental: near-instant when nothing changed). `GATEHOUSE_TEST_SKIP_BUILD=1` skips
 *   it for runs that hold no end-to-end test (they import the sources directly), e.g.
 *   while another change is half-written.
 * - The migrated PGlite templates (packages/core/test/helpers/pglite-template.ts), cached
 *   in node_modules/.cache: a dump every in-memory test database is copied from, and a
 *   data directory the end-to-end tests copy where the first start is not under test.
 */
export default async function setup(project: TestProject): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const cache = join(root, 'node_modules', '.cache', 'gatehouse-test');
  const [, template, templateDirectory] = await Promise.all([
    build(root),
    pgliteTemplate(cache),
    pgliteTemplateDirectory(cache),
  ]);
  project.provide('pgliteTemplate', template);
  project.provide('pgliteTemplateDirectory', templateDirectory);
}

function build(root: string): Promise<void> {
  if (process.env.GATEHOUSE_TEST_SKIP_BUILD === '1') return Promise.resolve();
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  return new Promise((resolve, reject) => {
    // The client too: the real-browser tests serve its build (packages/client/dist) to the page.
    const projects = ['packages/cli', 'packages/client'];
    const child = spawn(process.execPath, [tsc, '-b', ...projects], { cwd: root, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`tsc -b ${projects.join(' ')} exited with ${code}`)),
    );
  });
}
