import { describe, it } from 'vitest';

/**
 * The one rule for suites that need an external backend: a missing variable skips the
 * suite locally, but in CI (CI=true) it is a failure — the Redis and PostgreSQL runs are
 * mandatory there and must never pass by silently skipping.
 *
 * When skipped, `body` still runs (with '') so the skipped tests are listed; it must only
 * use the value inside hooks and tests.
 */
export function describeWithBackend(name: string, variable: string, body: (value: string) => void): void {
  const value = process.env[variable];
  if (value) {
    describe(name, () => body(value));
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it(`requires ${variable}`, () => {
        throw new Error(
          `${name}: CI must export ${variable} (these backend tests are mandatory in CI, never skipped)`,
        );
      });
    });
  } else {
    describe.skip(`${name} (set ${variable} to run)`, () => body(''));
  }
}
