import type { RefreshTokenParts } from '../tokens/refresh-token.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { StateStore } from '../state/index.js';
import { systemClock, type Clock } from '../util/clock.js';
import { systemRandom, type RandomSource } from '../util/random.js';
import { createSession, type CreateSessionInput } from './create-session.js';
import { checkDevice } from './device.js';
import { getSession, listSessions, ownsCurrentRefreshToken, readSession } from './list-sessions.js';
import type { ReplayDeps } from './refresh-replay.js';
import { removeSession } from './remove-session.js';
import {
  revokeSession,
  revokeUserSessions,
  type RevokeOptions,
  type RevokeUserSessionsOptions,
} from './revoke-sessions.js';
import { rotateRefreshToken } from './rotate-refresh-token.js';
import { stepUpSession, type StepUpInput } from './step-up-session.js';
import type { SessionBody, SessionRecord } from './session-record.js';
import type { CreateSessionResult, RotateRefreshResult, Session, SessionsConfig } from './types.js';
import type { AuditEmitter } from '../audit/types.js';
import type { SessionSource } from './validate-access.js';

export interface SessionServiceOptions {
  store: StateStore;
  /** A GatehouseConfig, or anything with its `sessions` section. */
  config: SessionsConfig;
  audit: AuditEmitter;
  clock?: Clock;
  random?: RandomSource;
}

/**
 * Sessions and refresh tokens on the StateStore. Each method is one flow from its own file;
 * this class only carries the shared dependencies. Nothing here touches the Database.
 */
export class SessionService implements SessionSource {
  private readonly deps: ReplayDeps;
  private readonly listeners = new Set<(key: string) => void>();

  constructor(options: SessionServiceOptions) {
    this.deps = {
      store: options.store,
      config: options.config,
      audit: options.audit,
      clock: options.clock ?? systemClock,
      random: options.random ?? systemRandom,
      removed: (key) => {
        for (const listener of this.listeners) listener(key);
      },
    };
  }

  /** Ends a sign-in: `{ ok: true, sessionId, refreshToken, session }` or the tenant cap refusal. */
  createSession(input: CreateSessionInput): Promise<CreateSessionResult> {
    return createSession(this.deps, input);
  }

  /** `POST /auth/refresh` (API.md "Refresh replay"); one StateStore call when all is well. */
  rotateRefreshToken(
    refreshToken: string | RefreshTokenParts,
    ctx: RequestContext,
  ): Promise<RotateRefreshResult> {
    return rotateRefreshToken(this.deps, refreshToken, ctx);
  }

  /** A fresh auth_time and amr for a live session, with a rotated refresh token (API.md "Step-up"). */
  stepUpSession(input: StepUpInput): Promise<RotateRefreshResult> {
    return stepUpSession(this.deps, input);
  }

  revokeSession(
    tenant: string,
    userId: string,
    sessionId: string,
    options?: RevokeOptions,
  ): Promise<boolean> {
    return revokeSession(this.deps, tenant, userId, sessionId, options);
  }

  revokeUserSessions(tenant: string, userId: string, options?: RevokeUserSessionsOptions): Promise<number> {
    return revokeUserSessions(this.deps, tenant, userId, options);
  }

  listSessions(tenant: string, userId: string): Promise<Session[]> {
    return listSessions(this.deps, tenant, userId);
  }

  getSession(tenant: string, userId: string, sessionId: string): Promise<Session | null> {
    return getSession(this.deps, tenant, userId, sessionId);
  }

  /** True when the token is its live session's current refresh token (`POST /auth/revoke`). */
  ownsCurrentRefreshToken(refreshToken: string | RefreshTokenParts): Promise<boolean> {
    return ownsCurrentRefreshToken(this.deps, refreshToken);
  }

  // SessionSource: what access-token validation needs.

  readSessionRecord(tenant: string, userId: string, sessionId: string): Promise<SessionRecord | null> {
    return readSession(this.deps, tenant, userId, sessionId);
  }

  /** Ends a session found unfit during validation (e.g. 'stale_token'); audited as `session.revoked`. */
  async removeSession(tenant: string, userId: string, sessionId: string, reason: string): Promise<boolean> {
    const removed = await removeSession(this.deps, tenant, userId, sessionId);
    if (removed) this.deps.audit.emit({ type: 'session.revoked', tenant, userId, sessionId, reason });
    return removed;
  }

  checkDevice(
    sessionId: string,
    body: SessionBody,
    ctx: RequestContext | undefined,
    during: 'refresh' | 'validate',
  ): 'ok' | 'mismatch' {
    return checkDevice(this.deps, sessionId, body, ctx, during);
  }

  onSessionRemoved(listener: (key: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
