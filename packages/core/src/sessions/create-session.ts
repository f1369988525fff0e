import type { PublicUser } from '../kernel/public-user.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { AuthMethod } from '../tokens/claims.js';
import { encodeRefreshToken, hashRefreshSecret, newRefreshSecret } from '../tokens/refresh-token.js';
import { ipHash, userAgentHash } from './device.js';
import { sessionTtlMs } from './lifetimes.js';
import { removeSession, userSessionIds, type RemovalDeps } from './remove-session.js';
import { newSessionId, sessionCreatedAt } from './session-id.js';
import {
  formatRecord,
  sessionIndex,
  sessionKey,
  toSession,
  type SessionBody,
  type SessionRecord,
} from './session-record.js';
import { recordTenantSession, tenantAtCapacity } from './tenant-cap.js';
import type { CreateSessionResult, SessionDeps, SessionVersions } from './types.js';

export interface CreateSessionInput {
  /** The signing-in request: its tenant owns the session; its IP and user agent are the device. */
  ctx: RequestContext;
  userId: string;
  /** When the user proved the factors, ms since the epoch (becomes `auth_time`). */
  authTime: number;
  amr: AuthMethod[];
  versions: SessionVersions;
  roles: string[];
  /** The user as signed in, returned by refresh without a Database call (clients read /auth/me for fresh data). */
  user?: PublicUser;
}

type CreateDeps = SessionDeps & RemovalDeps;

/**
 * The end of every sign-in (DESIGN.md "The one sign-in pipeline"):
 * check the tenant cap → make room under the user cap → write the session → audit.
 * Returns the refresh token once; only its hash is stored.
 */
export async function createSession(
  deps: CreateDeps,
  input: CreateSessionInput,
): Promise<CreateSessionResult> {
  const { ctx, userId } = input;
  const tenant = ctx.tenant;
  // Whole milliseconds: the id, the body and the TTL must agree on the creation time.
  const now = Math.floor(deps.clock.now());
  const { rv, pv, av } = input.versions;
  if (![rv, pv, av].every(Number.isSafeInteger)) throw new TypeError('Session versions must be integers');
  const sessionId = newSessionId(now, deps.random);
  const secret = newRefreshSecret(deps.random);
  // Encoding validates tenant and user id before anything is written.
  const refreshToken = encodeRefreshToken({ tenant, userId, sessionId, secret });

  if (await tenantAtCapacity(deps, tenant)) {
    deps.audit.emit({ ...auditBase(ctx, userId), type: 'session.refused', reason: 'tenant_session_limit' });
    return { ok: false, reason: 'tenant_session_limit' };
  }
  await evictOldestSessions(deps, ctx, userId);

  const record: SessionRecord = {
    head: {
      current: hashRefreshSecret(secret),
      previous: null,
      rotatedAt: 0,
      rotatorFingerprint: null,
      lastSeenAt: now,
      ancestors: [],
    },
    body: newBody(input, now),
  };
  const ttlMs = sessionTtlMs(now, now, deps.config);
  if (ttlMs === null) throw new Error('sessions.absoluteLifetimeSeconds must be positive');
  await deps.store.set(sessionKey(tenant, userId, sessionId), formatRecord(record), {
    ttlMs,
    index: sessionIndex(tenant, userId),
  });
  await recordTenantSession(deps, tenant, userId, sessionId, now);

  deps.audit.emit({
    ...auditBase(ctx, userId),
    type: 'session.created',
    sessionId,
    data: { amr: input.amr.join(' ') },
  });
  return { ok: true, sessionId, refreshToken, session: toSession(sessionId, record, deps.config) };
}

function newBody(input: CreateSessionInput, now: number): SessionBody {
  const { ctx } = input;
  return {
    v: 1,
    userId: input.userId,
    tenant: ctx.tenant,
    createdAt: now,
    authTime: Math.floor(input.authTime),
    amr: [...input.amr],
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    deviceIpHash: ipHash(ctx),
    deviceUaHash: userAgentHash(ctx),
    rv: input.versions.rv,
    pv: input.versions.pv,
    av: input.versions.av,
    roles: [...input.roles],
    ...(input.user ? { user: input.user } : {}),
  };
}

/**
 * `sessions.maxPerUser`: a new sign-in evicts the user's own oldest sessions to make room
 * (never refuses: the person signing in is the owner). Concurrent sign-ins may overshoot
 * by their number; the next sign-in trims again.
 */
async function evictOldestSessions(deps: CreateDeps, ctx: RequestContext, userId: string): Promise<void> {
  const max = deps.config.sessions.maxPerUser;
  if (max === null) return;
  const ids = await userSessionIds(deps, ctx.tenant, userId);
  const excess = ids.length - max + 1;
  if (excess <= 0) return;
  const oldestFirst = ids.sort((a, b) => (sessionCreatedAt(a) ?? 0) - (sessionCreatedAt(b) ?? 0));
  for (const sessionId of oldestFirst.slice(0, excess)) {
    if (await removeSession(deps, ctx.tenant, userId, sessionId)) {
      deps.audit.emit({
        ...auditBase(ctx, userId),
        type: 'session.evicted',
        sessionId,
        reason: 'max_per_user',
        data: { maxPerUser: max },
      });
    }
  }
}

function auditBase(ctx: RequestContext, userId: string) {
  return { tenant: ctx.tenant, userId, requestId: ctx.requestId, ip: ctx.ip, userAgent: ctx.userAgent };
}
