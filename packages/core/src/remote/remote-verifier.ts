/**
 * Verifies a Gatehouse access token in another process (an API server), with the same
 * checks in the same order as the server's own verifier, keys coming from the server's
 * JWKS instead of its database:
 *
 *   structure & header → typ → key (RemoteJwks) & signature → claims → tenant
 *   → in hybrid/strict mode, the server's word on the session (RemoteSessionCheck)
 *
 * `jwt` mode is in-process only: a logged-out session's token keeps verifying until it
 * expires (15 minutes by default). `strict` asks the server on every call; `hybrid` reuses
 * a "yes" for 5 s. Never throws; 'unavailable' means "cannot tell now" (answer 503), never "allow".
 */
import { systemClock, type Clock } from '../util/clock.js';
import { isAccessTokenType } from '../tokens/access-token-verifier.js';
import { decodeJsonSegment } from '../tokens/base64url.js';
import { checkAccessTokenClaims, type ClaimExpectations } from '../tokens/check-access-token-claims.js';
import type { AccessTokenClaims } from '../tokens/claims.js';
import { checkJwsSignature, decodeCompactJws, type JwsVerificationKey } from '../tokens/compact-jws.js';
import { RemoteJwks, type FetchFunction } from './remote-jwks.js';
import { RemoteSessionCheck } from './remote-session-check.js';
import type { TokenRejection } from '../tokens/types.js';

export type RemoteValidationMode = 'jwt' | 'hybrid' | 'strict';

/** Why a token is refused (answer 401), beyond the local verifier's reasons. */
export type RemoteRejection = TokenRejection | 'wrong_tenant' | 'revoked';

export type RemoteVerifyResult =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; reason: RemoteRejection }
  /** The keys or the server could not be reached: answer 503, never let the request through. */
  | { ok: false; reason: 'unavailable' };

export interface RemoteVerifierOptions {
  /** The Gatehouse server's public URL: tokens' `iss`, and where its JWKS and verify-token live. */
  issuer: string;
  /** Tokens' `aud` (the server's `tokens.audience`); default 'gatehouse'. */
  audience?: string;
  /** Default 'jwt' (in-process only); see the module comment. */
  mode?: RemoteValidationMode;
  /**
   * For a multi-tenant server (tokens carry `tid`): the tenants whose tokens are accepted, or
   * 'any'. Leave out for a single-tenant server, whose tokens carry no `tid`.
   */
  tenants?: readonly string[] | 'any';
  /** Default `<issuer>/.well-known/jwks.json`. */
  jwksUrl?: string;
  /** Default `<issuer>/api/v1/auth/verify-token?mode=strict` (hybrid and strict modes). */
  verifyTokenUrl?: string;
  /** Default the global fetch; pass one for a custom agent, a proxy or a test. */
  fetch?: FetchFunction;
  clock?: Clock;
  /** Tolerated clock skew on exp, nbf and iat; default 5, at most 120 (as the server's). */
  clockLeewaySeconds?: number;
  /** How long fetched keys are used before asking again; default 300. */
  jwksCacheSeconds?: number;
  /** The least time between two fetches caused by an unknown `kid`; default 30. */
  jwksRefetchIntervalSeconds?: number;
  /** Per request to the server; default 5000. */
  timeoutMs?: number;
}

const DEFAULTS = {
  audience: 'gatehouse',
  mode: 'jwt',
  clockLeewaySeconds: 5,
  jwksCacheSeconds: 300,
  jwksRefetchIntervalSeconds: 30,
  timeoutMs: 5_000,
} as const;
/** API.md "Validation modes": hybrid caches revocation state for at most 5 s. */
const HYBRID_CACHE_MS = 5_000;
const MAX_LEEWAY_SECONDS = 120;

export class RemoteVerifier {
  readonly mode: RemoteValidationMode;
  private readonly clock: Clock;
  private readonly expected: ClaimExpectations;
  private readonly tenants: ReadonlySet<string> | 'any' | undefined;
  private readonly jwks: RemoteJwks;
  private readonly session: RemoteSessionCheck | undefined;

  constructor(options: RemoteVerifierOptions) {
    const issuer = checkedIssuer(options.issuer);
    const leeway = options.clockLeewaySeconds ?? DEFAULTS.clockLeewaySeconds;
    if (!Number.isInteger(leeway) || leeway < 0 || leeway > MAX_LEEWAY_SECONDS) {
      throw new RangeError(`clockLeewaySeconds must be 0 to ${MAX_LEEWAY_SECONDS}, got ${leeway}`);
    }
    this.mode = options.mode ?? DEFAULTS.mode;
    this.clock = options.clock ?? systemClock;
    const tenants = options.tenants;
    this.tenants = tenants === undefined || tenants === 'any' ? tenants : new Set(tenants);
    this.expected = {
      issuer,
      audience: options.audience ?? DEFAULTS.audience,
      leewaySeconds: leeway,
      multiTenant: tenants !== undefined,
    };
    const fetch = options.fetch ?? globalThis.fetch;
    const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
    this.jwks = new RemoteJwks({
      url: options.jwksUrl ?? `${issuer}/.well-known/jwks.json`,
      fetch,
      clock: this.clock,
      ttlMs: (options.jwksCacheSeconds ?? DEFAULTS.jwksCacheSeconds) * 1000,
      minRefetchIntervalMs:
        (options.jwksRefetchIntervalSeconds ?? DEFAULTS.jwksRefetchIntervalSeconds) * 1000,
      timeoutMs,
    });
    this.session =
      this.mode === 'jwt'
        ? undefined
        : new RemoteSessionCheck({
            url: options.verifyTokenUrl ?? `${issuer}/api/v1/auth/verify-token?mode=strict`,
            fetch,
            clock: this.clock,
            cacheMs: this.mode === 'hybrid' ? HYBRID_CACHE_MS : 0,
            timeoutMs,
          });
  }

  /** The verifier's time in ms (step-up checks measure `auth_time` against the same clock). */
  now(): number {
    return this.clock.now();
  }

  /** Fetches the keys now (so the first request does not wait for them); false when that failed. */
  warmUp(): Promise<boolean> {
    return this.jwks.refresh();
  }

  /** Never throws, whatever `token` is (callers pass raw header values). */
  async verify(token: string): Promise<RemoteVerifyResult> {
    const jws = decodeCompactJws(token);
    if (typeof jws === 'string') return { ok: false, reason: jws };
    if (!isAccessTokenType(jws.header.typ)) return { ok: false, reason: 'wrong_type' };
    const key = await this.jwks.lookup(jws.kid);
    if (typeof key === 'string') return { ok: false, reason: key };
    const signatureProblem = checkJwsSignature(jws, singleKey(key));
    if (signatureProblem) return { ok: false, reason: signatureProblem };
    const claims = this.checkClaims(jws.payloadSegment);
    if (typeof claims === 'string') return { ok: false, reason: claims };
    if (!this.session) return { ok: true, claims };
    const answer = await this.session.check(token);
    if (answer === 'alive') return { ok: true, claims };
    return { ok: false, reason: answer };
  }

  private checkClaims(payloadSegment: string): AccessTokenClaims | RemoteRejection {
    const payload = decodeJsonSegment(payloadSegment);
    if (payload === undefined) return 'malformed';
    const claims = checkAccessTokenClaims(payload, this.expected, this.clock.now() / 1000);
    if (typeof claims === 'string') return claims;
    return this.acceptsTenant(claims.tid) ? claims : 'wrong_tenant';
  }

  private acceptsTenant(tid: string | undefined): boolean {
    if (this.tenants === undefined || this.tenants === 'any') return true; // the claim check settled it
    return tid !== undefined && this.tenants.has(tid);
  }
}

/** The resolver checkJwsSignature takes, over the one key the kid named. */
function singleKey(key: JwsVerificationKey) {
  return { find: () => key };
}

function checkedIssuer(issuer: string): string {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new TypeError(`issuer must be the Gatehouse server's URL, got '${issuer}'`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`issuer must be an http(s) URL, got '${issuer}'`);
  }
  // The server writes its public URL without trailing slashes into `iss`.
  return issuer.replace(/\/+$/, '');
}
