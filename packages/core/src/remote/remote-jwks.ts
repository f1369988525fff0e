/**
 * A Gatehouse server's public keys as another process sees them: fetched from its JWKS
 * document, kept for a TTL, fetched again (rate-limited) when a token names a key the set
 * does not hold, which is how a rotation reaches a verifier before its TTL ends. One fetch
 * at a time: concurrent callers share it. Fails closed: no usable key set means
 * 'unavailable', never a pass.
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { Clock } from '../util/clock.js';
import type { SigningAlgorithm } from '../keys/types.js';
import { isJsonObject } from '../tokens/base64url.js';
import { MAX_KID_LENGTH, type JwsVerificationKey } from '../tokens/compact-jws.js';
import { keyFitsAlgorithm } from '../tokens/jws-algorithms.js';

/** Only asymmetric keys are ever published (an HS256 secret never leaves the server). */
const PUBLISHED_ALGORITHMS: readonly SigningAlgorithm[] = ['EdDSA', 'ES256', 'RS256'];
/** A JWKS holds a handful of keys; anything this large is not one. */
const MAX_JWKS_BYTES = 64 * 1024;
/** After a failed fetch, callers get 'unavailable' at once for this long instead of each waiting on a dead server. */
const FAILED_FETCH_BACKOFF_MS = 5_000;

export type FetchFunction = typeof globalThis.fetch;

export interface RemoteJwksOptions {
  url: string;
  fetch: FetchFunction;
  clock: Clock;
  /** How long a fetched set is used without asking again. */
  ttlMs: number;
  /** The least time between two fetches caused by an unknown `kid` (a stream of forged kids costs one fetch per interval). */
  minRefetchIntervalMs: number;
  /** Per fetch. */
  timeoutMs: number;
}

/** The key for a kid, the fact that the server does not publish it, or that nobody can tell now. */
export type KeyLookup = JwsVerificationKey | 'unknown_key' | 'unavailable';

interface KeySet {
  keys: ReadonlyMap<string, JwsVerificationKey>;
  fetchedAt: number;
}

export class RemoteJwks {
  private set: KeySet | undefined;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private lastAttemptFailed = false;
  private inFlight: Promise<boolean> | undefined;

  constructor(private readonly options: RemoteJwksOptions) {}

  /** The verification key for `kid`, fetching the set first when it is missing, stale, or lacks the kid. */
  async lookup(kid: string | undefined): Promise<KeyLookup> {
    if (kid === undefined || kid.length === 0 || kid.length > MAX_KID_LENGTH) return 'unknown_key';
    const now = this.options.clock.now();
    if (this.set && now - this.set.fetchedAt < this.options.ttlMs) return this.lookupInFreshSet(kid, now);
    // Stale or never fetched: refresh; if that fails, a stale set still serves the kids it holds.
    const refreshed = await this.refreshUnlessBackingOff(now);
    const key = this.set?.keys.get(kid);
    if (key) return key;
    return refreshed ? 'unknown_key' : 'unavailable';
  }

  /** Fetches the set now (e.g. at start, so the first request does not wait); false when it failed. */
  refresh(): Promise<boolean> {
    this.inFlight ??= this.fetchKeySet().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async lookupInFreshSet(kid: string, now: number): Promise<KeyLookup> {
    const key = this.set?.keys.get(kid);
    if (key) return key;
    // An unknown kid in a fresh set: maybe a key newer than our copy (rotation), maybe forged.
    if (now - this.lastAttemptAt >= this.options.minRefetchIntervalMs) {
      if (!(await this.refresh())) return 'unavailable';
      return this.set?.keys.get(kid) ?? 'unknown_key';
    }
    // Asked too recently: the answer of that fetch stands.
    return this.lastAttemptFailed ? 'unavailable' : 'unknown_key';
  }

  private async refreshUnlessBackingOff(now: number): Promise<boolean> {
    if (this.lastAttemptFailed && now - this.lastAttemptAt < FAILED_FETCH_BACKOFF_MS && !this.inFlight) {
      return false;
    }
    return this.refresh();
  }

  private async fetchKeySet(): Promise<boolean> {
    this.lastAttemptAt = this.options.clock.now();
    const keys = await this.download().catch(() => undefined);
    this.lastAttemptFailed = keys === undefined;
    if (keys) this.set = { keys, fetchedAt: this.options.clock.now() };
    return keys !== undefined;
  }

  /** The published keys, or undefined when the document cannot be had or is not a JWKS. */
  private async download(): Promise<Map<string, JwsVerificationKey> | undefined> {
    const response = await this.options.fetch(this.options.url, {
      headers: { accept: 'application/json' },
      // The configured issuer answers itself: a redirect elsewhere is a misconfiguration to see.
      redirect: 'error',
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return undefined;
    }
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > MAX_JWKS_BYTES) {
      await response.body?.cancel();
      return undefined;
    }
    const text = await response.text();
    if (text.length > MAX_JWKS_BYTES) return undefined;
    return parseJwks(JSON.parse(text) as unknown);
  }
}

/** The usable keys of a JWKS document; keys we cannot use are skipped, a non-JWKS is undefined. */
export function parseJwks(document: unknown): Map<string, JwsVerificationKey> | undefined {
  if (!isJsonObject(document) || !Array.isArray(document.keys)) return undefined;
  const keys = new Map<string, JwsVerificationKey>();
  for (const jwk of document.keys) {
    const key = importPublishedKey(jwk);
    if (key) keys.set(key.kid, key);
  }
  return keys;
}

function importPublishedKey(jwk: unknown): (JwsVerificationKey & { kid: string }) | undefined {
  if (!isJsonObject(jwk)) return undefined;
  const { kid, alg, use, d } = jwk;
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH) return undefined;
  if (!PUBLISHED_ALGORITHMS.includes(alg as SigningAlgorithm)) return undefined;
  // Private key material in a public set is a leak, not a key to trust.
  if ((use !== undefined && use !== 'sig') || d !== undefined) return undefined;
  try {
    const verifyKey = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    const algorithm = alg as SigningAlgorithm;
    return keyFitsAlgorithm(algorithm, verifyKey) ? { kid, alg: algorithm, verifyKey } : undefined;
  } catch {
    return undefined;
  }
}
