import type { RandomSource } from './clock.js';

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** Between the refreshes of one request (the 401 loop guard). */
export const REFRESH_RETRY_BACKOFF: BackoffPolicy = { baseMs: 250, maxMs: 4_000 };

/**
 * After a 409 `refresh_conflict`: the winner has already answered, so its tokens reach this tab
 * (broadcast, storage) within moments; wait just long enough for them.
 */
export const CONFLICT_BACKOFF: BackoffPolicy = { baseMs: 150, maxMs: 150 };

/**
 * The wait before retry number `attempt` (1, 2, ...): exponential, with "equal jitter" — half
 * of the ceiling fixed, half random — so retries never come back-to-back yet clients that
 * failed together spread out.
 */
export function backoffDelay(attempt: number, random: RandomSource, policy: BackoffPolicy): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
