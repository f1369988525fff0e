import { LRUCache } from 'lru-cache';
import type { RequestContext } from '../kernel/request-context.js';
import { DEFAULT_TENANT } from '../kernel/tenant.js';
import type { AccessTokenClaims } from '../tokens/claims.js';
import { systemClock, type Clock } from '../util/clock.js';
import { absoluteExpiry } from './lifetimes.js';
import { sessionCreatedAt } from './session-id.js';
import { sessionKey, toSession, type SessionBody, type SessionRecord } from './session-record.js';
import type { Session, SessionsConfig } from './types.js';

/**
 * The slice of the access-token verifier validation needs (tokens/access-token-verifier.ts
 * satisfies it). Signature, `typ`, `alg`, `kid`, `iss`, `aud` and `exp` are its business.
 */
export interface AccessTokenVerifierLike {
  verify(token: string): AccessTokenVerification | Promise<AccessTokenVerification>;
}

export type AccessTokenVerification = { ok: true; claims: AccessTokenClaims } | { ok: false; reason: string };

/** The session side of validation (SessionService implements it). */
export interface SessionSource {
  /** Exactly one StateStore GET; null when absent, not this tenant's/user's, or past its absolute expiry. */
  readSessionRecord(tenant: string, userId: string, sessionId: string): Promise<SessionRecord | null>;
  /** Ends a session validation found unfit; `reason` is for the audit trail. */
  removeSession(tenant: string, userId: string, sessionId: string, reason: 'stale_token'): Promise<boolean>;
  checkDevice(
    sessionId: string,
    body: SessionBody,
    ctx: RequestContext | undefined,
    during: 'validate',
  ): 'ok' | 'mismatch';
  /** Same-process removals, so the hybrid cache forgets them at once; returns an unsubscribe. */
  onSessionRemoved(listener: (key: string) => void): () => void;
}

export type ValidationMode = 'jwt' | 'hybrid' | 'strict';

/** All of them are 401 `invalid_token` over HTTP; `detail` carries the verifier's reason. */
export type AccessRejectReason =
  'invalid_token' | 'session_revoked' | 'session_expired' | 'stale_token' | 'device_mismatch';

export type AccessValidation =
  | { ok: true; claims: AccessTokenClaims; session?: Session }
  | { ok: false; reason: AccessRejectReason; detail?: string };

export interface AccessValidator {
  /** `mode` defaults to `sessions.validationMode`; `ctx` enables the device check. */
  validate(token: string, mode?: ValidationMode, ctx?: RequestContext): Promise<AccessValidation>;
}

export interface AccessValidatorOptions {
  verifier: AccessTokenVerifierLike;
  sessions: SessionSource;
  config: SessionsConfig;
  clock?: Clock;
}

/** API.md: "`hybrid` caches revocation state for at most 5 s" — whatever the setting says. */
const MAX_HYBRID_CACHE_MS = 5_000;

interface CacheEntry {
  expiresAt: number;
  state: { session: Session; body: SessionBody } | null;
}

/**
 * Access-token validation in three modes (API.md "Validation modes"); never a Database call.
 *
 * - `jwt`: the verifier only, zero I/O. A revoked session's access tokens stay valid until
 *   they expire (15 min by default): the documented price of no lookups.
 * - `strict`: plus exactly one StateStore GET of the session: it must exist, belong to
 *   `sub` and `tid ?? 'default'`, carry the token's rv/pv/av, be inside its absolute lifetime,
 *   and pass the device check. A version mismatch ends the session ('stale_token').
 * - `hybrid`: like strict, but the session's state per sid is cached in a bounded LRU for
 *   min(hybridCacheSeconds, 5) s: a revocation elsewhere is seen within that time, never
 *   later; one in this process is seen at once. A miss does the strict GET.
 */
export function createAccessValidator(options: AccessValidatorOptions): AccessValidator {
  const { verifier, sessions, config } = options;
  const clock = options.clock ?? systemClock;
  const cacheMs = Math.min(config.sessions.hybridCacheSeconds * 1_000, MAX_HYBRID_CACHE_MS);
  const cache = new LRUCache<string, CacheEntry>({ max: config.sessions.hybridCacheMaxEntries });
  sessions.onSessionRemoved((key) => cache.delete(key));

  async function load(tenant: string, claims: AccessTokenClaims, key: string, mode: ValidationMode) {
    const now = clock.now();
    if (mode === 'hybrid') {
      const cached = cache.get(key);
      if (cached && cached.expiresAt > now) return cached.state;
    }
    const record = await sessions.readSessionRecord(tenant, claims.sub, claims.sid);
    const state = record && { session: toSession(claims.sid, record, config), body: record.body };
    if (mode === 'hybrid' && cacheMs > 0) cache.set(key, { expiresAt: now + cacheMs, state });
    return state;
  }

  return {
    async validate(token, mode = config.sessions.validationMode, ctx) {
      const verified = await verifier.verify(token);
      if (!verified.ok) return { ok: false, reason: 'invalid_token', detail: verified.reason };
      const { claims } = verified;
      if (mode === 'jwt') return { ok: true, claims };

      const tenant = claims.tid ?? DEFAULT_TENANT;
      const createdAt = sessionCreatedAt(claims.sid);
      if (createdAt === null) return { ok: false, reason: 'invalid_token', detail: 'malformed_sid' };
      if (absoluteExpiry(createdAt, config) <= clock.now()) return { ok: false, reason: 'session_expired' };
      let key: string;
      try {
        key = sessionKey(tenant, claims.sub, claims.sid);
      } catch {
        return { ok: false, reason: 'invalid_token', detail: 'malformed_subject' };
      }

      const state = await load(tenant, claims, key, mode);
      if (!state) return { ok: false, reason: 'session_revoked' };
      const { session, body } = state;
      if (session.absoluteExpiresAt <= clock.now()) return { ok: false, reason: 'session_expired' };
      const { rv, pv, av } = session.versions;
      if (claims.rv !== rv || claims.pv !== pv || claims.av !== av) {
        cache.delete(key);
        await sessions.removeSession(tenant, claims.sub, claims.sid, 'stale_token');
        return { ok: false, reason: 'stale_token' };
      }
      if (sessions.checkDevice(claims.sid, body, ctx, 'validate') === 'mismatch') {
        return { ok: false, reason: 'device_mismatch' };
      }
      return { ok: true, claims, session };
    },
  };
}
