import type { SessionsConfig } from './types.js';

/**
 * Session lifetimes (API.md "Lifetimes"): a session ends after `idleTimeoutSeconds` without a
 * refresh, and `absoluteLifetimeSeconds` after sign-in whatever its use. Every write sets the
 * TTL to whichever comes first, so the store forgets a session exactly when it ends.
 */
export function absoluteExpiry(createdAt: number, config: SessionsConfig): number {
  return createdAt + config.sessions.absoluteLifetimeSeconds * 1_000;
}

/** The TTL of a write at `now`, or null when the session is already past its absolute expiry. */
export function sessionTtlMs(createdAt: number, now: number, config: SessionsConfig): number | null {
  const left = absoluteExpiry(createdAt, config) - now;
  if (left <= 0) return null;
  return Math.max(1, Math.floor(Math.min(config.sessions.idleTimeoutSeconds * 1_000, left)));
}
