import type { RequestContext } from '../kernel/request-context.js';
import { removeSession, userSessionIds, type RemovalDeps } from './remove-session.js';
import { sessionCreatedAt } from './session-id.js';
import { sessionIndex, sessionKey } from './session-record.js';
import { forgetTenantSessions } from './tenant-cap.js';
import type { SessionDeps } from './types.js';

export interface RevokeOptions {
  /** The request that asked (for the audit trail). */
  ctx?: RequestContext | undefined;
  /** Why, for the audit event: 'logout', 'password_changed', 'admin', ... */
  reason?: string | undefined;
  /** The administrator who asked (audited as `data.actor`), when it was not the user. */
  actor?: string | undefined;
}

export interface RevokeUserSessionsOptions extends RevokeOptions {
  /** A session to keep (the caller's own, for "sign out everywhere else"). */
  except?: string | undefined;
}

type RevokeDeps = Pick<SessionDeps, 'audit'> & RemovalDeps;

/**
 * Ends one session at once (strict validation rejects its access tokens from the next
 * request). Returns false for a session that is not live, not this user's, or not an id of
 * ours — the server answers 404 for all three alike.
 */
export async function revokeSession(
  deps: RevokeDeps,
  tenant: string,
  userId: string,
  sessionId: string,
  options: RevokeOptions = {},
): Promise<boolean> {
  if (sessionCreatedAt(sessionId) === null) return false;
  const removed = await removeSession(deps, tenant, userId, sessionId);
  if (removed) {
    deps.audit.emit({ ...auditBase(tenant, userId, options), type: 'session.revoked', sessionId });
  }
  return removed;
}

/**
 * Ends every session of a user, or all but `except`; returns how many live sessions went.
 * Without `except` the index is deleted in one operation, so a session recorded while this
 * runs goes too; with it, the sessions listed at the start are deleted one by one.
 */
export async function revokeUserSessions(
  deps: RevokeDeps,
  tenant: string,
  userId: string,
  options: RevokeUserSessionsOptions = {},
): Promise<number> {
  const ids = await userSessionIds(deps, tenant, userId);
  let revoked = 0;
  if (options.except === undefined) {
    revoked = await deps.store.deleteIndexed(sessionIndex(tenant, userId));
    for (const id of ids) deps.removed?.(sessionKey(tenant, userId, id));
    await forgetTenantSessions(deps, tenant, userId, ids);
  } else {
    const doomed = ids.filter((id) => id !== options.except);
    const results = await Promise.all(doomed.map((id) => removeSession(deps, tenant, userId, id)));
    revoked = results.filter(Boolean).length;
  }
  deps.audit.emit({
    ...auditBase(tenant, userId, options),
    type: 'sessions.revoked_all',
    sessionId: options.except,
    data: {
      count: revoked,
      keptCurrent: options.except !== undefined,
      ...(options.actor ? { actor: options.actor } : {}),
    },
  });
  return revoked;
}

function auditBase(tenant: string, userId: string, options: RevokeOptions) {
  const { ctx, reason } = options;
  return { tenant, userId, reason, requestId: ctx?.requestId, ip: ctx?.ip, userAgent: ctx?.userAgent };
}
