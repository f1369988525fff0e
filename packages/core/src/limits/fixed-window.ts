import type { StateStore } from '../state/types.js';

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Seconds until a window's end, at least 1 (a `retry-after: 0` invites a hot loop). */
export const retryAfter = (ttlMs: number): number => Math.max(1, Math.ceil(ttlMs / 1000));

/**
 * "At most `limit` events per `windowSeconds` per key" on the StateStore's atomic
 * fixed-window counter: one round trip, exact under concurrency on every backend.
 */
export class FixedWindowLimiter {
  constructor(
    private readonly store: StateStore,
    private readonly limit: number,
    private readonly windowSeconds: number,
  ) {}

  /** Counts this event and says whether it is within the limit. */
  async hit(key: string): Promise<LimitDecision> {
    const { value, ttlMs } = await this.store.increment(key, { ttlMs: this.windowSeconds * 1000 });
    return value <= this.limit ? { allowed: true } : { allowed: false, retryAfterSeconds: retryAfter(ttlMs) };
  }
}
