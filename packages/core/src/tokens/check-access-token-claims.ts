/**
 * The claim checks of an access token whose signature already held: who issued it and
 * for whom, when it is valid, then the exact shape of API.md "Tokens". Each is a small
 * named predicate; the issuer reuses them to refuse subjects it could not round-trip.
 */
import { isJsonObject } from './base64url.js';
import type { AccessTokenClaims, AuthMethod } from './claims.js';
import type { TokenRejection } from './types.js';

/** RFC 8176 values Gatehouse emits (API.md); the set is closed by contract. */
export const AUTH_METHODS: readonly AuthMethod[] = ['pwd', 'otp', 'sms', 'hwk', 'swk', 'mfa', 'email', 'fed'];

export interface ClaimExpectations {
  issuer: string;
  audience: string;
  /** Tolerated clock skew on exp, nbf and iat (at most 120 s, enforced by config). */
  leewaySeconds: number;
  /** `tid` is required when on and forbidden when off (API.md "Tenancy"). */
  multiTenant: boolean;
}

type ClaimRejection = Extract<
  TokenRejection,
  'expired' | 'not_yet_valid' | 'wrong_issuer' | 'wrong_audience' | 'invalid_claims'
>;

/** RFC 7519 NumericDate: seconds since the epoch, possibly fractional; never negative here. */
export const isNumericDate = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** Role, permission and account versions: counters, so non-negative safe integers. */
export const isVersion = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

export const isNonEmptyString = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0;

export const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

export const isAuthMethodArray = (value: unknown): value is AuthMethod[] =>
  Array.isArray(value) && value.every((item) => (AUTH_METHODS as readonly unknown[]).includes(item));

/** RFC 7519 §4.1.3: one audience as a string, or several as an array. */
function audienceMatches(aud: unknown, audience: string): boolean {
  return aud === audience || (Array.isArray(aud) && aud.includes(audience));
}

/**
 * The verified claims, or why they are refused. `now` is in seconds. The result is a
 * fresh object with exactly the AccessTokenClaims members (unknown claims are dropped)
 * and `aud` set to the audience we verified for, even when the token listed several.
 */
export function checkAccessTokenClaims(
  payload: unknown,
  expected: ClaimExpectations,
  now: number,
): AccessTokenClaims | ClaimRejection {
  if (!isJsonObject(payload)) return 'invalid_claims';
  const claims = payload;
  if (claims.iss !== expected.issuer) return 'wrong_issuer';
  if (!audienceMatches(claims.aud, expected.audience)) return 'wrong_audience';
  const timing = checkTiming(claims, expected.leewaySeconds, now);
  if (timing) return timing;
  return readAccessTokenClaims(claims, expected);
}

function checkTiming(claims: Record<string, unknown>, leeway: number, now: number): ClaimRejection | null {
  const { exp, iat, nbf } = claims;
  if (!isNumericDate(exp) || !isNumericDate(iat)) return 'invalid_claims';
  if (nbf !== undefined && !isNumericDate(nbf)) return 'invalid_claims';
  // RFC 7519 §4.1.4: not accepted *on or after* exp (leeway widens it a little).
  if (exp <= now - leeway) return 'expired';
  if (nbf !== undefined && nbf > now + leeway) return 'not_yet_valid';
  // A token from the future means a skewed or forged issuer clock.
  if (iat > now + leeway) return 'not_yet_valid';
  return null;
}

function readAccessTokenClaims(
  c: Record<string, unknown>,
  expected: ClaimExpectations,
): AccessTokenClaims | 'invalid_claims' {
  const { sub, sid, tid, iat, exp, jti, auth_time, amr, rv, pv, av, roles, perms } = c;
  if (!isNonEmptyString(sub) || !isNonEmptyString(sid) || !isNonEmptyString(jti)) return 'invalid_claims';
  if (!isNumericDate(iat) || !isNumericDate(exp) || !isNumericDate(auth_time)) return 'invalid_claims';
  if (!isAuthMethodArray(amr) || !isStringArray(roles) || typeof perms !== 'string') return 'invalid_claims';
  if (!isVersion(rv) || !isVersion(pv) || !isVersion(av)) return 'invalid_claims';
  if (expected.multiTenant ? !isNonEmptyString(tid) : Object.hasOwn(c, 'tid')) return 'invalid_claims';
  const claims: AccessTokenClaims = {
    iss: expected.issuer,
    aud: expected.audience,
    sub,
    sid,
    iat,
    exp,
    jti,
    auth_time,
    amr,
    rv,
    pv,
    av,
    roles,
    perms,
  };
  if (isNonEmptyString(tid)) claims.tid = tid; // present exactly when multi-tenant (checked above)
  return claims;
}
