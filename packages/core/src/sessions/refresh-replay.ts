import type { RequestContext } from '../kernel/request-context.js';
import type { RefreshTokenParts } from '../tokens/refresh-token.js';
import { deviceFingerprint, sameHash } from './device.js';
import { removeSession, type RemovalDeps } from './remove-session.js';
import { ANCESTOR_LENGTH, parseRecord } from './session-record.js';
import type { RotateRefreshResult, SessionDeps } from './types.js';

export type ReplayDeps = SessionDeps & RemovalDeps;

/**
 * A refresh whose secret is not the session's current one (API.md "Refresh replay"),
 * judged from the value the lost compare-and-swap returned — no further read:
 *
 * 1. session gone (revoked, expired, never existed) → invalid_refresh_token;
 * 2. the secret just rotated away (= previous), inside `refreshConflictWindowSeconds`, from
 *    the winner's device fingerprint → refresh_conflict (409): two tabs raced; the successor
 *    stays valid;
 * 3. the same from another device, or after the window → reuse: the session is revoked;
 * 4. one of the last 20 rotated-away secrets (ancestors) → reuse: the session is revoked;
 * 5. anything else → invalid_refresh_token, and the session lives on: knowing a session id
 *    and sending a random secret must not let anyone end someone else's session.
 */
export async function judgeReplay(
  deps: ReplayDeps,
  parts: RefreshTokenParts,
  presentedHash: string,
  current: string | null,
  ctx: RequestContext,
): Promise<RotateRefreshResult> {
  const record = current === null ? null : parseRecord(current);
  if (!record) return refused(deps, parts, ctx, 'session_not_found');
  const { head } = record;

  if (sameHash(head.previous, presentedHash)) {
    const inWindow =
      deps.clock.now() - head.rotatedAt < deps.config.sessions.refreshConflictWindowSeconds * 1_000;
    const sameDevice = sameHash(head.rotatorFingerprint, deviceFingerprint(ctx));
    if (inWindow && sameDevice) {
      deps.audit.emit({ ...auditBase(parts, ctx), type: 'refresh.conflict', reason: 'refresh_conflict' });
      return { ok: false, reason: 'refresh_conflict' };
    }
    return revokeForReuse(deps, parts, ctx, { generation: 'previous', inWindow, sameDevice });
  }
  const ancestor = presentedHash.slice(0, ANCESTOR_LENGTH);
  if (head.ancestors.some((known) => sameHash(known, ancestor))) {
    return revokeForReuse(deps, parts, ctx, { generation: 'older', inWindow: false, sameDevice: false });
  }
  return refused(deps, parts, ctx, 'unknown_secret');
}

/** A rotated-away secret came back: someone holds a copy. End the session for everyone. */
async function revokeForReuse(
  deps: ReplayDeps,
  parts: RefreshTokenParts,
  ctx: RequestContext,
  data: { generation: 'previous' | 'older'; inWindow: boolean; sameDevice: boolean },
): Promise<RotateRefreshResult> {
  await removeSession(deps, parts.tenant, parts.userId, parts.sessionId);
  deps.audit.emit({
    ...auditBase(parts, ctx),
    type: 'refresh.reuse_detected',
    reason: 'refresh_token_reused',
    data,
  });
  return { ok: false, reason: 'refresh_token_reused' };
}

/** Audited as `refresh.failed` with why (`detail`), answered as a plain invalid token. */
export function refused(
  deps: Pick<SessionDeps, 'audit'>,
  parts: RefreshTokenParts,
  ctx: RequestContext,
  detail: string,
): RotateRefreshResult {
  deps.audit.emit({
    ...auditBase(parts, ctx),
    type: 'refresh.failed',
    reason: 'invalid_refresh_token',
    data: { detail },
  });
  return { ok: false, reason: 'invalid_refresh_token' };
}

/** Identifiers only: never the token, its secret or any hash. */
export function auditBase(parts: RefreshTokenParts, ctx: RequestContext) {
  return {
    tenant: parts.tenant,
    userId: parts.userId,
    sessionId: parts.sessionId,
    requestId: ctx.requestId,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
  };
}
