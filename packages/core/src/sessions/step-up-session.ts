import type { RequestContext } from '../kernel/request-context.js';
import type { AuthMethod } from '../tokens/claims.js';
import { encodeRefreshToken, hashRefreshSecret, newRefreshSecret } from '../tokens/refresh-token.js';
import { deviceFingerprint } from './device.js';
import { sessionTtlMs } from './lifetimes.js';
import { sessionCreatedAt } from './session-id.js';
import {
  ANCESTOR_LENGTH,
  formatRecord,
  MAX_ANCESTORS,
  parseRecord,
  sessionIndex,
  sessionKey,
  toSession,
  type SessionRecord,
} from './session-record.js';
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
 * whole record. The replaced refresh hash becomes `previous`, so a tab that refreshes with it
 * right now gets the usual 409 instead of a reuse alarm, and it joins the ancestors like any
 * rotated-away secret, so it is recognised as reuse for as long as a refresh's would be.
 *
 * A concurrent refresh can move the head between the read and the swap; the factors were
 * already proved (a backup code is used up), so the swap is retried on the fresh record a
 * few times rather than answering a conflict. A session that is gone stays gone.
 */
export async function stepUpSession(deps: SessionDeps, input: StepUpInput): Promise<RotateRefreshResult> {
  const { tenant, userId, sessionId, ctx } = input;
  const createdAt = sessionCreatedAt(sessionId);
  const now = Math.floor(deps.clock.now());
  const ttlMs = createdAt === null ? null : sessionTtlMs(createdAt, now, deps.config);
  if (ttlMs === null) return { ok: false, reason: 'invalid_refresh_token' };
  const key = sessionKey(tenant, userId, sessionId);
  const secret = newRefreshSecret(deps.random);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const raw = await deps.store.get(key);
    const record = raw === null ? null : parseRecord(raw);
    if (!raw || !record || record.body.userId !== userId || record.body.tenant !== tenant) {
      return { ok: false, reason: 'invalid_refresh_token' };
    }
    const next = steppedUp(record, hashRefreshSecret(secret), now, input);
    const swap = await deps.store.compareAndSwap(key, raw, formatRecord(next), {
      ttlMs,
      index: sessionIndex(tenant, userId),
    });
    if (!swap.swapped) continue;
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
  return { ok: false, reason: 'refresh_conflict' };
}

/** Swaps tried before giving up: each loss means a refresh won in between, which is rare. */
const MAX_ATTEMPTS = 3;

function steppedUp(record: SessionRecord, nextHash: string, now: number, input: StepUpInput): SessionRecord {
  const rotatedAway = record.head.current;
  return {
    head: {
      current: nextHash,
      previous: rotatedAway,
      rotatedAt: now,
      rotatorFingerprint: deviceFingerprint(input.ctx),
      lastSeenAt: now,
      // What a refresh's compareAndSwapHead `history` does: newest first, bounded.
      ancestors: [rotatedAway.slice(0, ANCESTOR_LENGTH), ...record.head.ancestors].slice(0, MAX_ANCESTORS),
    },
    body: { ...record.body, authTime: now, amr: input.amr },
  };
}
