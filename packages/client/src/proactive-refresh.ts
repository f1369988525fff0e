import type { ClientClock, RandomSource, TimerHandle } from './clock.js';
import type { ClientSession } from './types.js';

/** Refresh this long before the access token expires... */
export const REFRESH_LEAD_MS = 30_000;
/** ...plus up to this much more, at random, so tabs and clients holding one token spread out. */
export const REFRESH_JITTER_MS = 10_000;

/**
 * Refreshes ahead of expiry, so requests rarely meet a 401 at all. One timer, rescheduled on
 * every change of the session. For lifetimes too short for the lead, halfway through instead,
 * so a short-lived token is not refreshed the moment it arrives, over and over.
 */
export class ProactiveRefresh {
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: ClientClock,
    private readonly random: RandomSource,
    private readonly refresh: () => Promise<unknown>,
  ) {}

  schedule(session: ClientSession | null): void {
    this.cancel();
    if (session === null) return;
    const remaining = session.expiresAt - this.clock.now();
    const early = remaining - REFRESH_LEAD_MS - this.random() * REFRESH_JITTER_MS;
    const delay = Math.max(early, remaining / 2, 0);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      // A failure changes nothing here: a dead session is reported by the refresh itself, and
      // a network failure is retried by the next request's 401.
      this.refresh().catch(() => undefined);
    }, delay);
  }

  cancel(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
