import { systemClock } from '../util/clock.js';
import type { JobCounts } from './types.js';

/** Longest failure text kept with a job. */
export const MAX_ERROR_LENGTH = 500;

/** A week: retries stay far inside PostgreSQL's interval range whatever the configuration. */
const MAX_RETRY_DELAY_MS = 7 * 24 * 3_600_000;

export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

/**
 * What is kept of a failure: name and message, never a stack. Jobs are stored in clear and
 * read by operators; a stack says nothing they can act on and may quote data.
 */
export function describeFailure(error: unknown): string {
  const text =
    error instanceof Error
      ? error.name && error.name !== 'Error'
        ? `${error.name}: ${error.message}`
        : error.message || 'Error'
      : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/** `base × 2^(attempt-1)`: the wait after failed attempt number `attempt` (1-based). */
export function retryDelayMs(backoffBaseMs: number, attempt: number): number {
  return Math.min(backoffBaseMs * 2 ** Math.max(0, attempt - 1), MAX_RETRY_DELAY_MS);
}

/** Callbacks take Error; anything thrown is wrapped so loggers always get a message. */
export const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * Polls `counts` until nothing is waiting or running; rejects after `timeoutMs`. The deadline
 * is on the system clock: it bounds a real wait (timers), which a test's manual clock would
 * never end.
 */
export async function waitUntilDrained(
  counts: () => Promise<JobCounts>,
  timeoutMs: number,
  intervalMs: number,
): Promise<void> {
  const deadline = systemClock.now() + timeoutMs;
  for (;;) {
    const { waiting, active } = await counts();
    if (waiting + active === 0) return;
    if (systemClock.now() >= deadline) {
      throw new Error(`Job queue not drained after ${timeoutMs} ms (${waiting} waiting, ${active} running)`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
