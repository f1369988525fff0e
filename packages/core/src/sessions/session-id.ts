import type { RandomSource } from '../util/random.js';

/**
 * Session ids are `createdAtMs.toString(36)` followed by 16 random bytes in base64url
 * (22 characters), e.g. `mjv2v2o0` + `Qy3…`. The creation time is readable from the id alone,
 * so the absolute expiry of a presented refresh or access token is known before any lookup;
 * the stored body is checked too. The id is an identifier, not a secret.
 */
const RANDOM_BYTES = 16;
const RANDOM_LENGTH = 22;
const TIME = /^[0-9a-z]{1,11}$/;
const RANDOM = /^[A-Za-z0-9_-]{22}$/;

export function newSessionId(createdAtMs: number, random: RandomSource): string {
  return Math.floor(createdAtMs).toString(36) + random.bytes(RANDOM_BYTES).toString('base64url');
}

/** The creation time embedded in a session id, or null when the id is not one of ours. */
export function sessionCreatedAt(sessionId: string): number | null {
  const time = sessionId.slice(0, -RANDOM_LENGTH);
  if (!TIME.test(time) || !RANDOM.test(sessionId.slice(-RANDOM_LENGTH))) return null;
  const createdAt = parseInt(time, 36);
  return Number.isSafeInteger(createdAt) ? createdAt : null;
}
