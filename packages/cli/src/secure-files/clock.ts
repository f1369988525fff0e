import { CliFailure } from './errors.js';
import { testSetting } from './test-hooks.js';

/** Milliseconds since the epoch. */
export type Clock = () => number;

/**
 * The wall clock. Under NODE_ENV=test, GATEHOUSE_TEST_NOW (an ISO time or epoch
 * milliseconds) sets where it starts, so the tests move time (idle timeouts, log pruning,
 * TOTP periods) without sleeping. It keeps ticking from there, for `--watch`.
 */
export function clockFrom(env: NodeJS.ProcessEnv): Clock {
  const start = testSetting(env, 'GATEHOUSE_TEST_NOW');
  if (start === undefined) return Date.now;
  const at = /^\d+$/.test(start) ? Number(start) : Date.parse(start);
  if (!Number.isFinite(at)) throw new CliFailure(`GATEHOUSE_TEST_NOW is not a time: ${start}`, 2);
  const offset = at - Date.now();
  return () => Date.now() + offset;
}
