import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const src = (pkg: string) => join(root, 'packages', pkg, 'src', 'index.ts');

/** Tests that start real processes (the built `gatehouse`, a browser): the rest run in-process. */
const PROCESS_TESTS = 'packages/*/test/**/*.e2e.test.ts';

/**
 * What a user does to install Gatehouse (a fresh clone's npm ci, the packed packages in an
 * empty project): a minute and a half of npm between them. They run in CI (CI=true) and
 * with GATEHOUSE_TEST_INSTALL=1; a developer's plain `npm test` leaves them out.
 */
const INSTALL_TESTS = 'packages/cli/test/install/*.e2e.test.ts';
const runsInstallTests =
  ['true', '1'].includes(process.env.CI ?? '') || process.env.GATEHOUSE_TEST_INSTALL === '1';

/**
 * In-process test files share their worker's modules with the files that ran there before
 * them (isolate: false), so the sources, Fastify and PGlite's WebAssembly load once per
 * worker, not once per file (a quarter of the suite's CPU time). Files that replace modules
 * or globals (vi.mock and the like) or count the process's open handles need a process of
 * their own and get one. That sharing is also why a helper module registers no top-level
 * hooks (they would run for the first file only) and a test closes what it opens.
 */
const NEEDS_OWN_PROCESS =
  /\bvi\.(mock|doMock|unmock|stubGlobal|stubEnv|resetModules)\(|\bprocess\.(getActiveResourcesInfo|_getActiveHandles)\(/;

/** Test files that, or whose local helper modules, replace modules or count the process's handles. */
function testsNeedingOwnProcess(): string[] {
  const found: string[] = [];
  const needsOwnProcess = (file: string): boolean => {
    const text = readFileSync(file, 'utf8');
    if (NEEDS_OWN_PROCESS.test(text)) return true;
    // One level of local imports: shared cases (e.g. jobs/redis-cases.ts) live in helpers.
    return [...text.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)].some((match) => {
      const helper = join(dirname(file), `${match[1]}.ts`);
      return existsSync(helper) && NEEDS_OWN_PROCESS.test(readFileSync(helper, 'utf8'));
    });
  };
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (
        entry.name.endsWith('.test.ts') &&
        !entry.name.endsWith('.e2e.test.ts') &&
        needsOwnProcess(path)
      ) {
        found.push(relative(root, path));
      }
    }
  };
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const tests = join(root, 'packages', pkg, 'test');
    if (existsSync(tests)) walk(tests);
  }
  return found;
}

const project = (test: TestProjectInlineConfiguration['test']): TestProjectInlineConfiguration => ({
  resolve: {
    // Tests run against the sources, not a stale build.
    alias: {
      '@gatehouse/core': src('core'),
      '@gatehouse/server': src('server'),
      '@gatehouse/cli': src('cli'),
      // The subpath first: an alias also matches its key followed by a slash.
      '@gatehouse/client/node': join(root, 'packages', 'client', 'src', 'node.ts'),
      '@gatehouse/client': src('client'),
      '@gatehouse/fastify': src('fastify'),
      '@gatehouse/express': src('express'),
    },
  },
  test: {
    pool: 'forks',
    // PGlite is PostgreSQL compiled to WebAssembly: V8's optimising tier recompiles all of it
    // in every worker (seconds of CPU per test file) for queries that run well without it.
    execArgv: ['--liftoff-only'],
    ...test,
  },
});

const isolated = testsNeedingOwnProcess();
const IN_PROCESS = { include: ['packages/*/test/**/*.test.ts'], testTimeout: 20_000, hookTimeout: 60_000 };

export default defineConfig({
  test: {
    // Vitest's default is one worker per core but one: a single worker on a 2-core machine,
    // idle while end-to-end files wait for their processes. Two there (measured on one tree:
    // 654 s with one worker, 308 s with two; three loaded the box so that timing-ratio tests
    // failed); on larger machines the default.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Once for the whole run (the projects read what it provides): the build and the PGlite templates.
    globalSetup: ['./test/global-setup.ts'],
    // Files start in project name order: e2e first, since they are the longest and mostly
    // wait for their processes, which in-process files fill with work.
    projects: [
      project({
        name: 'e2e',
        include: [PROCESS_TESTS],
        exclude: [...configDefaults.exclude, ...(runsInstallTests ? [] : [INSTALL_TESTS])],
        // Each test starts real processes (node and PGlite's WebAssembly compiled afresh in
        // each), seconds apiece on a busy 2-core machine; their own waits have deadlines.
        testTimeout: 120_000,
        hookTimeout: 180_000,
      }),
      project({
        ...IN_PROCESS,
        name: 'in-process',
        exclude: [...configDefaults.exclude, PROCESS_TESTS, ...isolated],
        isolate: false,
      }),
      ...(isolated.length > 0
        ? [project({ ...IN_PROCESS, name: 'in-process-isolated', include: isolated })]
        : []),
    ],
  },
});
