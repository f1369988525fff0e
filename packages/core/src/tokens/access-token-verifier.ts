/**
 * Verifies access tokens with the keys this instance holds: no I/O, no exceptions, one
 * ordered list of named checks (API.md "Tokens", RFC 9068, RFC 8725):
 *
 *   size → structure & header (decodeCompactJws) → typ → key & signature
 *   (checkJwsSignature) → claims (checkAccessTokenClaims)
 *
 * Revocation and version checks (strict/hybrid modes) belong to the session layer;
 * this answers only "did we sign this, for this audience, and is it current".
 */
import { systemClock, type Clock } from '../util/clock.js';
import { decodeJsonSegment } from './base64url.js';
import { checkAccessTokenClaims, type ClaimExpectations } from './check-access-token-claims.js';
import { checkJwsSignature, decodeCompactJws, type JwsKeyResolver } from './compact-jws.js';
import type { AccessTokenConfig, TokenRejection, VerifyResult } from './types.js';

/** Config caps it at 120 s; checked again here because a larger skew makes `exp` meaningless. */
const MAX_LEEWAY_SECONDS = 120;

/**
 * RFC 9068 §2.1 `typ`. Media types compare case-insensitively and may drop the
 * `application/` prefix (RFC 7515 §4.1.9), so both spellings count.
 */
const ACCESS_TOKEN_TYPE = /^(?:application\/)?at\+jwt$/i;

export interface AccessTokenVerifierOptions {
  /** Key lookup by kid (a Keyring). */
  keyring: JwsKeyResolver;
  config: AccessTokenConfig;
  clock?: Clock;
}

/** One frozen result per reason: rejecting allocates nothing. */
const REJECTIONS = new Map<TokenRejection, VerifyResult>();
function rejected(reason: TokenRejection): VerifyResult {
  let result = REJECTIONS.get(reason);
  if (!result) {
    result = Object.freeze({ ok: false, reason }) as VerifyResult;
    REJECTIONS.set(reason, result);
  }
  return result;
}

export class AccessTokenVerifier {
  private readonly keys: JwsKeyResolver;
  private readonly clock: Clock;
  private readonly expected: ClaimExpectations;

  constructor(options: AccessTokenVerifierOptions) {
    const { tokens, tenancy } = options.config;
    const leeway = tokens.clockLeewaySeconds;
    if (!Number.isInteger(leeway) || leeway < 0 || leeway > MAX_LEEWAY_SECONDS) {
      throw new RangeError(`tokens.clockLeewaySeconds must be 0 to ${MAX_LEEWAY_SECONDS}, got ${leeway}`);
    }
    this.keys = options.keyring;
    this.clock = options.clock ?? systemClock;
    this.expected = {
      issuer: tokens.issuer,
      audience: tokens.audience,
      leewaySeconds: leeway,
      multiTenant: tenancy.multiTenant,
    };
  }

  /** Never throws, whatever `token` is (callers pass raw header values). */
  verify(token: string): VerifyResult {
    const jws = decodeCompactJws(token);
    if (typeof jws === 'string') return rejected(jws);
    if (!isAccessTokenType(jws.header.typ)) return rejected('wrong_type');
    const signatureProblem = checkJwsSignature(jws, this.keys);
    if (signatureProblem) return rejected(signatureProblem);
    // Only now is the payload worth parsing: it is ours.
    const payload = decodeJsonSegment(jws.payloadSegment);
    if (payload === undefined) return rejected('malformed');
    const claims = checkAccessTokenClaims(payload, this.expected, this.clock.now() / 1000);
    return typeof claims === 'string' ? rejected(claims) : { ok: true, claims };
  }
}

/** Whether a JWS header's `typ` names an access token (RFC 9068 §2.1). */
export function isAccessTokenType(typ: unknown): boolean {
  return typeof typ === 'string' && ACCESS_TOKEN_TYPE.test(typ);
}
