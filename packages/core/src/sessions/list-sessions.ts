import { decodeRefreshToken, hashRefreshSecret, type RefreshTokenParts } from '../tokens/refresh-token.js';
import { sameHash } from './device.js';
import { absoluteExpiry } from './lifetimes.js';
import { userSessionIds } from './remove-session.js';
import { sessionCreatedAt } from './session-id.js';
import { parseRecord, sessionKey, toSession, type SessionRecord } from './session-record.js';
import type { Session, SessionDeps } from './types.js';

type ReadDeps = Pick<SessionDeps, 'store' | 'config' | 'clock'>;

/**
 * One GET of a session, checked: a record of ours, belonging to this tenant and user, not
 * past its absolute expiry (by the id and by the body). Null otherwise. Strict validation
 * uses exactly this call.
 */
export async function readSession(
  deps: ReadDeps,
  tenant: string,
  userId: string,
  sessionId: string,
): Promise<SessionRecord | null> {
  const createdAt = sessionCreatedAt(sessionId);
  if (createdAt === null) return null;
  const now = deps.clock.now();
  if (absoluteExpiry(createdAt, deps.config) <= now) return null;
  const value = await deps.store.get(sessionKey(tenant, userId, sessionId));
  const record = value === null ? null : parseRecord(value);
  if (!record || record.body.tenant !== tenant || record.body.userId !== userId) return null;
  if (record.body.createdAt !== createdAt || absoluteExpiry(record.body.createdAt, deps.config) <= now) {
    return null;
  }
  return record;
}

/** The live session, or null (also for another user's or tenant's session id). */
export async function getSession(
  deps: ReadDeps,
  tenant: string,
  userId: string,
  sessionId: string,
): Promise<Session | null> {
  const record = await readSession(deps, tenant, userId, sessionId);
  return record && toSession(sessionId, record, deps.config);
}

/** The user's live sessions, newest first (`GET /sessions`). One index read plus one GET each. */
export async function listSessions(deps: ReadDeps, tenant: string, userId: string): Promise<Session[]> {
  const ids = await userSessionIds(deps, tenant, userId);
  const sessions = await Promise.all(ids.map((id) => getSession(deps, tenant, userId, id)));
  return sessions
    .filter((session): session is Session => session !== null)
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
}

/**
 * Whether a refresh token is its live session's current one (one GET, no side effects).
 * `POST /auth/revoke` ends a session only then: a guessed, stale or other tenant's token
 * must not end anyone's session. Rotated-away tokens answer false (reuse is judged on refresh).
 */
export async function ownsCurrentRefreshToken(
  deps: ReadDeps,
  refreshToken: string | RefreshTokenParts,
): Promise<boolean> {
  const parts = typeof refreshToken === 'string' ? decodeRefreshToken(refreshToken) : refreshToken;
  if (!parts) return false;
  const record = await readSession(deps, parts.tenant, parts.userId, parts.sessionId);
  return record !== null && sameHash(record.head.current, hashRefreshSecret(parts.secret));
}
