import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

/** Tests that start real processes (the built `gatehouse`, a browser): the rest run in-process. */
const PROCESS_TESTS = 'packages/*/test/**/*.e2e.test.ts';

const project = (test: TestProjectInlineConfiguration['test']): TestProjectInlineConfiguration => ({
  resolve: {
    // Tests run against the sources, not a stale build.
    alias: {
      '@gatehouse/core': src('core'),
      '@gatehouse/server': src('server'),
      '@gatehouse/cli': src('cli'),
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

export default defineConfig({
  test: {
    // Once for the whole run (the projects read what it provides): the build and the PGlite templates.
    globalSetup: ['./test/global-setup.ts'],
    projects: [
      project({
        name: 'in-process',
        include: ['packages/*/test/**/*.test.ts'],
        exclude: [...configDefaults.exclude, PROCESS_TESTS],
        testTimeout: 20_000,
        hookTimeout: 60_000,
      }),
      project({
        name: 'processes',
        include: [PROCESS_TESTS],
        // Each test starts real processes (node and PGlite's WebAssembly compiled afresh in
        // each), seconds apiece on a busy 2-core machine; their own waits have deadlines.
        testTimeout: 120_000,
        hookTimeout: 180_000,
      }),
    ],
  },
});
