import { createHash, timingSafeEqual } from 'node:crypto';
import { systemRandom, type RandomSource } from '../util/random.js';

/**
 * Opaque refresh tokens: `rt1.<tenant>.<userId>.<sessionId>.<secret>`. The first parts
 * name the session so the server finds it with one key lookup (no search); the secret
 * is 256 random bits of which only a SHA-256 hash is stored. Clients must treat the
 * whole string as opaque.
 */
const PREFIX = 'rt1';
const SECRET_BYTES = 32;
const MAX_LENGTH = 256;
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export interface RefreshTokenParts {
  tenant: string;
  userId: string;
  sessionId: string;
  secret: string;
}

export function newRefreshSecret(random: RandomSource = systemRandom): string {
  return random.token(SECRET_BYTES);
}

export function encodeRefreshToken(parts: RefreshTokenParts): string {
  if (
    !SLUG.test(parts.tenant) ||
    !ID.test(parts.userId) ||
    !ID.test(parts.sessionId) ||
    !SECRET.test(parts.secret)
  ) {
    throw new TypeError('Invalid refresh token parts');
  }
  return `${PREFIX}.${parts.tenant}.${parts.userId}.${parts.sessionId}.${parts.secret}`;
}

/** Null for anything that is not a well-formed refresh token (never throws). */
export function decodeRefreshToken(token: unknown): RefreshTokenParts | null {
  if (typeof token !== 'string' || token.length > MAX_LENGTH) return null;
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== PREFIX) return null;
  const [, tenant = '', userId = '', sessionId = '', secret = ''] = parts;
  if (!SLUG.test(tenant) || !ID.test(userId) || !ID.test(sessionId) || !SECRET.test(secret)) return null;
  return { tenant, userId, sessionId, secret };
}

/** SHA-256 suffices for 256-bit random secrets (no dictionary to attack). */
export function hashRefreshSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

export function refreshSecretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashRefreshSecret(secret));
  const expected = Buffer.from(storedHash);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
