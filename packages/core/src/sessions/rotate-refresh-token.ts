import type { RequestContext } from '../kernel/request-context.js';
import {
  decodeRefreshToken,
  encodeRefreshToken,
  hashRefreshSecret,
  newRefreshSecret,
  type RefreshTokenParts,
} from '../tokens/refresh-token.js';
import { checkDevice, deviceFingerprint, sameHash } from './device.js';
import { sessionTtlMs } from './lifetimes.js';
import { auditBase, judgeReplay, refused, type ReplayDeps } from './refresh-replay.js';
import { removeSession } from './remove-session.js';
import { sessionCreatedAt } from './session-id.js';
import {
  ANCESTOR_LENGTH,
  formatHead,
  MAX_ANCESTORS,
  parseRecord,
  sessionIndex,
  sessionKey,
  toSession,
} from './session-record.js';
import type { RotateRefreshResult } from './types.js';

/**
 * `POST /auth/refresh`: trade a refresh token for its successor, in ONE StateStore call on
 * the happy path (`compareAndSwapHead`; with `deviceBinding: 'enforce'` a GET comes first,
 * because a mismatching device must not rotate). The checks, in order:
 *
 * 1. well-formed token, session id of ours (no I/O);
 * 2. absolute lifetime from the id (expired → deleted, invalid);
 * 3. [enforce] the device that signed in;
 * 4. swap the head iff it still starts with the presented secret's hash: the new head names
 *    the successor, remembers the presented hash as previous (+ ancestors), the winner's
 *    device fingerprint and now; the TTL is min(idle timeout, absolute expiry − now);
 * 5. a lost swap is judged from the returned value (refresh-replay.ts);
 * 6. the body agrees with the token; [detect] device mismatch audited.
 *
 * `auth_time` and `amr` come from the session unchanged (API.md "Step-up").
 */
export async function rotateRefreshToken(
  deps: ReplayDeps,
  refreshToken: string | RefreshTokenParts,
  ctx: RequestContext,
): Promise<RotateRefreshResult> {
  // A caller that parsed the token already (engine.sessions.refresh) passes its parts.
  const parts = typeof refreshToken === 'string' ? decodeRefreshToken(refreshToken) : refreshToken;
  const createdAt = parts && sessionCreatedAt(parts.sessionId);
  if (!parts || createdAt === null) return { ok: false, reason: 'invalid_refresh_token' };
  const { tenant, userId, sessionId } = parts;
  const now = Math.floor(deps.clock.now());
  const ttlMs = sessionTtlMs(createdAt, now, deps.config);
  if (ttlMs === null) return expired(deps, parts, ctx);

  const key = sessionKey(tenant, userId, sessionId);
  const presented = hashRefreshSecret(parts.secret);
  if (deps.config.sessions.deviceBinding === 'enforce') {
    const value = await deps.store.get(key);
    const record = value === null ? null : parseRecord(value);
    if (!record || !sameHash(record.head.current, presented)) {
      return judgeReplay(deps, parts, presented, value, ctx);
    }
    if (checkDevice(deps, sessionId, record.body, ctx, 'refresh') === 'mismatch') {
      return { ok: false, reason: 'device_mismatch' };
    }
  }

  const nextSecret = newRefreshSecret(deps.random);
  const nextHead = formatHead({
    current: hashRefreshSecret(nextSecret),
    previous: presented,
    rotatedAt: now,
    rotatorFingerprint: deviceFingerprint(ctx),
    lastSeenAt: now,
  });
  // The prefix test is not constant-time; it compares a hash of the caller's own input, which
  // tells nothing about a secret (SHA-256 has no usable preimages).
  const swap = await deps.store.compareAndSwapHead(key, `${presented} `, nextHead, {
    ttlMs,
    index: sessionIndex(tenant, userId),
    history: { entry: presented.slice(0, ANCESTOR_LENGTH), max: MAX_ANCESTORS },
  });
  if (!swap.swapped) return judgeReplay(deps, parts, presented, swap.current, ctx);

  const record = parseRecord(swap.value);
  if (
    !record ||
    record.body.tenant !== tenant ||
    record.body.userId !== userId ||
    record.body.createdAt !== createdAt
  ) {
    // Not a record this code wrote for this token: end it rather than trust it.
    await removeSession(deps, tenant, userId, sessionId);
    return refused(deps, parts, ctx, 'corrupt_session');
  }
  if (deps.config.sessions.deviceBinding === 'detect')
    checkDevice(deps, sessionId, record.body, ctx, 'refresh');
  deps.audit.emit({ ...auditBase(parts, ctx), type: 'refresh.rotated' });
  return {
    ok: true,
    session: toSession(sessionId, record, deps.config),
    refreshToken: encodeRefreshToken({ tenant, userId, sessionId, secret: nextSecret }),
  };
}

/** Past the absolute lifetime: the store has already forgotten it (TTL), unless the setting shrank. */
async function expired(
  deps: ReplayDeps,
  parts: RefreshTokenParts,
  ctx: RequestContext,
): Promise<RotateRefreshResult> {
  await removeSession(deps, parts.tenant, parts.userId, parts.sessionId);
  return refused(deps, parts, ctx, 'session_expired');
}
