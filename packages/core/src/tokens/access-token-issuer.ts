/**
 * Issues access tokens (API.md "Tokens"): a JWT with header `{ alg, typ: 'at+jwt', kid }`
 * signed by the keyring's current key with that key's own algorithm. Synchronous and
 * lean, since every login and refresh passes here: the encoded header is cached per key
 * and signing is one node:crypto call.
 */
import type { KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from '../keys/types.js';
import { systemClock, type Clock } from '../util/clock.js';
import { systemRandom, type RandomSource } from '../util/random.js';
import {
  isAuthMethodArray,
  isNonEmptyString,
  isNumericDate,
  isStringArray,
  isVersion,
} from './check-access-token-claims.js';
import type { AccessTokenClaims, AccessTokenSubject } from './claims.js';
import { MAX_TOKEN_LENGTH } from './compact-jws.js';
import { signJws } from './jws-algorithms.js';
import type { AccessTokenConfig } from './types.js';

/** 128 random bits: unguessable and collision-free for any realistic token volume. */
const JTI_BYTES = 16;

/** The signing side of a Keyring. */
export interface AccessTokenSigningKeys {
  current(): { kid: string; alg: SigningAlgorithm; privateKey: KeyObject };
}

export interface AccessTokenIssuerOptions {
  keyring: AccessTokenSigningKeys;
  config: AccessTokenConfig;
  clock?: Clock;
  random?: RandomSource;
}

export interface IssuedAccessToken {
  token: string;
  claims: AccessTokenClaims;
  /** Seconds until `exp` (the `expiresIn` of a TokenPair). */
  expiresIn: number;
}

export class AccessTokenIssuer {
  private readonly keyring: AccessTokenSigningKeys;
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly issuer: string;
  private readonly audience: string;
  private readonly ttlSeconds: number;
  private readonly multiTenant: boolean;
  private header: { kid: string; alg: SigningAlgorithm; encoded: string } | undefined;

  constructor(options: AccessTokenIssuerOptions) {
    const { tokens, tenancy } = options.config;
    this.keyring = options.keyring;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? systemRandom;
    this.issuer = tokens.issuer;
    this.audience = tokens.audience;
    this.ttlSeconds = tokens.accessTokenTtlSeconds;
    this.multiTenant = tenancy.multiTenant;
  }

  /** Throws only on a programming error: no current key, or a subject no verifier would accept (bad shape, over 8 KiB). */
  issue(subject: AccessTokenSubject): IssuedAccessToken {
    assertIssuable(subject, this.multiTenant);
    const key = this.keyring.current();
    const iat = Math.floor(this.clock.now() / 1000);
    const claims: AccessTokenClaims = {
      iss: this.issuer,
      aud: this.audience,
      sub: subject.userId,
      sid: subject.sessionId,
      iat,
      exp: iat + this.ttlSeconds,
      jti: this.random.bytes(JTI_BYTES).toString('base64url'),
      auth_time: subject.authTime,
      // Copies: the claims describe what was signed even if the caller reuses its arrays.
      amr: [...subject.amr],
      rv: subject.roleVersion,
      pv: subject.permissionVersion,
      av: subject.accountVersion,
      roles: [...subject.roles],
      perms: subject.perms ?? '',
    };
    // API.md: a token carries `tid` only when tenancy is on.
    if (this.multiTenant) claims.tid = subject.tenant;
    const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
    const signingInput = `${this.encodedHeader(key.kid, key.alg)}.${payload}`;
    const signature = signJws(key.alg, key.privateKey, Buffer.from(signingInput, 'latin1'));
    const token = `${signingInput}.${signature.toString('base64url')}`;
    if (token.length > MAX_TOKEN_LENGTH) {
      throw new TypeError(
        `Cannot issue an access token: ${token.length} characters is over the verifiers' limit`,
      );
    }
    return { token, claims, expiresIn: this.ttlSeconds };
  }

  /** The header only changes when the current key does (rotation), so it is encoded once per key. */
  private encodedHeader(kid: string, alg: SigningAlgorithm): string {
    const cached = this.header;
    if (cached && cached.kid === kid && cached.alg === alg) return cached.encoded;
    const encoded = Buffer.from(JSON.stringify({ alg, typ: 'at+jwt', kid }), 'utf8').toString('base64url');
    this.header = { kid, alg, encoded };
    return encoded;
  }
}

/**
 * The same rules the verifier applies, checked before signing so that every issued
 * token verifies: a subject breaking them is a bug upstream, reported at its source.
 */
function assertIssuable(subject: AccessTokenSubject, multiTenant: boolean): void {
  const problem =
    (!isNonEmptyString(subject.userId) && 'userId must be a non-empty string') ||
    (!isNonEmptyString(subject.sessionId) && 'sessionId must be a non-empty string') ||
    (multiTenant && !isNonEmptyString(subject.tenant) && 'tenant must be a non-empty string') ||
    (!isNumericDate(subject.authTime) && 'authTime must be seconds since the epoch') ||
    (!isAuthMethodArray(subject.amr) && 'amr must list RFC 8176 methods Gatehouse knows') ||
    (!isVersion(subject.roleVersion) && 'roleVersion must be a non-negative safe integer') ||
    (!isVersion(subject.permissionVersion) && 'permissionVersion must be a non-negative safe integer') ||
    (!isVersion(subject.accountVersion) && 'accountVersion must be a non-negative safe integer') ||
    (!isStringArray(subject.roles) && 'roles must be an array of strings') ||
    (subject.perms !== undefined && typeof subject.perms !== 'string' && 'perms must be a string');
  if (problem) throw new TypeError(`Cannot issue an access token: ${problem}`);
}
