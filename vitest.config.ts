import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources, not a stale build.
    alias: {
      '@gatehouse/core': src('core'),
      '@gatehouse/server': src('server'),
      '@gatehouse/cli': src('cli'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // PGlite is PostgreSQL compiled to WebAssembly: V8's optimising tier recompiles all of it
    // in every worker (seconds of CPU per test file) for queries that run well without it.
    execArgv: ['--liftoff-only'],
    globalSetup: ['./test/global-setup.ts'],
  },
});
