import type { RequestContext } from '../context/request-context.js';
import type { AuthMethod } from '../tokens/claims.js';
import { encodeRefreshToken, hashRefreshSecret, newRefreshSecret } from '../tokens/refresh-token.js';
import { deviceFingerprint } from './device.js';
import { sessionTtlMs } from './lifetimes.js';
import { sessionCreatedAt } from './session-id.js';
import { formatRecord, parseRecord, sessionIndex, sessionKey, toSession } from './session-record.js';
import type { RotateRefreshResult, SessionDeps } from './types.js';

export interface StepUpInput {
  tenant: string;
  userId: string;
  sessionId: string;
  /** The methods proved by this step-up (they replace the session's `amr`). */
  amr: AuthMethod[];
  ctx: RequestContext;
}

/**
 * API.md "Step-up": the same session with a fresh `auth_time` and `amr` and a rotated refresh
 * token. The only write that changes a session's body: read, then one compare-and-swap of the
 * whole record (a concurrent refresh or revocation makes it fail; the caller answers 401).
 * The replaced refresh hash becomes `previous`, so a tab that refreshes with it right now
 * gets the usual 409 instead of a reuse alarm.
 */
export async function stepUpSession(deps: SessionDeps, input: StepUpInput): Promise<RotateRefreshResult> {
  const { tenant, userId, sessionId, ctx } = input;
  const createdAt = sessionCreatedAt(sessionId);
  const now = Math.floor(deps.clock.now());
  const ttlMs = createdAt === null ? null : sessionTtlMs(createdAt, now, deps.config);
  if (ttlMs === null) return { ok: false, reason: 'invalid_refresh_token' };
  const key = sessionKey(tenant, userId, sessionId);
  const raw = await deps.store.get(key);
  const record = raw === null ? null : parseRecord(raw);
  if (!raw || !record || record.body.userId !== userId || record.body.tenant !== tenant) {
    return { ok: false, reason: 'invalid_refresh_token' };
  }
  const secret = newRefreshSecret();
  const next = {
    head: {
      ...record.head,
      current: hashRefreshSecret(secret),
      previous: record.head.current,
      rotatedAt: now,
      rotatorFingerprint: deviceFingerprint(ctx),
      lastSeenAt: now,
    },
    body: { ...record.body, authTime: now, amr: input.amr },
  };
  const swap = await deps.store.compareAndSwap(key, raw, formatRecord(next), {
    ttlMs,
    index: sessionIndex(tenant, userId),
  });
  if (!swap.swapped) return { ok: false, reason: 'refresh_conflict' };
  deps.audit.emit({
    type: 'session.stepped_up',
    tenant,
    userId,
    sessionId,
    data: { amr: input.amr.join(' ') },
    requestId: ctx.requestId,
    ip: ctx.ip,
  });
  return {
    ok: true,
    session: toSession(sessionId, next, deps.config),
    refreshToken: encodeRefreshToken({ tenant, userId, sessionId, secret }),
  };
}
