import { testHooks } from './test-hooks.js';

/** Milliseconds since the epoch. */
export type Clock = () => number;

/**
 * The wall clock. A test run may start it elsewhere (test-hooks.ts), so the tests move
 * time (idle timeouts, log pruning, TOTP periods) without sleeping; it keeps ticking from
 * there, for `--watch`.
 */
export function cliClock(): Clock {
  const start = testHooks().clockStartsAt;
  if (start === undefined) return Date.now;
  const offset = start - Date.now();
  return () => Date.now() + offset;
}
