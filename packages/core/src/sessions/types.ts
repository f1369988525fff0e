import type { PublicUser } from '../kernel/public-user.js';
import type { AuditEmitter } from '../audit/types.js';
import type { GatehouseConfig } from '../config/index.js';
import type { StateStore } from '../state/index.js';
import type { AuthMethod } from '../tokens/claims.js';
import type { Clock } from '../util/clock.js';
import type { RandomSource } from '../util/random.js';

/** Role, permission and account versions: a token is stale when they differ from its session's. */
export interface SessionVersions {
  rv: number;
  pv: number;
  av: number;
}

/**
 * A session as flows and routes see it. Times are milliseconds since the epoch. It never
 * carries a refresh token, secret or hash, so it is safe to return and to log.
 */
export interface Session {
  id: string;
  tenant: string;
  userId: string;
  createdAt: number;
  /** When the user last proved a factor (copied into every access token's `auth_time`). */
  authTime: number;
  amr: AuthMethod[];
  /** The device that signed in (IP as resolved through trusted proxies, raw user agent). */
  ip: string;
  userAgent: string;
  /** The last refresh (or the sign-in); validation does not move it. */
  lastSeenAt: number;
  /** createdAt + absoluteLifetimeSeconds: no refresh extends a session past it. */
  absoluteExpiresAt: number;
  versions: SessionVersions;
  roles: string[];
  /** The user as of sign-in (see CreateSessionInput.user). */
  user?: PublicUser;
}

export type RefreshFailureReason =
  'invalid_refresh_token' | 'refresh_conflict' | 'refresh_token_reused' | 'device_mismatch';

export type RotateRefreshResult =
  { ok: true; session: Session; refreshToken: string } | { ok: false; reason: RefreshFailureReason };

export type CreateSessionResult =
  | { ok: true; sessionId: string; refreshToken: string; session: Session }
  /** `sessions.maxPerTenant` is reached; the server answers 429 `rate_limited`. */
  | { ok: false; reason: 'tenant_session_limit' };

/** The configuration sessions read: a full GatehouseConfig fits. */
export type SessionsConfig = Pick<GatehouseConfig, 'sessions'>;

/** What every session flow gets: the store, settings, audit, and injected time and randomness. */
export interface SessionDeps {
  store: StateStore;
  config: SessionsConfig;
  audit: AuditEmitter;
  clock: Clock;
  random: RandomSource;
}
