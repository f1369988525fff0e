import { sessionCreatedAt } from './session-id.js';
import { sessionIndex, sessionKey } from './session-record.js';
import { forgetTenantSessions } from './tenant-cap.js';
import type { SessionDeps } from './types.js';

/** Deps of the flows that remove sessions: `removed` tells same-process caches at once. */
export interface RemovalDeps extends Pick<SessionDeps, 'store' | 'config'> {
  removed?: ((key: string) => void) | undefined;
}

/**
 * Deletes one session with its index entry and tenant marker; returns whether it was live.
 * Every path that ends a session early (revoke, evict, reuse, expiry, stale token) ends here.
 */
export async function removeSession(
  deps: RemovalDeps,
  tenant: string,
  userId: string,
  sessionId: string,
): Promise<boolean> {
  const key = sessionKey(tenant, userId, sessionId);
  const removed = await deps.store.delete(key, { index: sessionIndex(tenant, userId) });
  deps.removed?.(key);
  await forgetTenantSessions(deps, tenant, userId, [sessionId]);
  return removed;
}

/** The session ids in a user's index (keys that are not ours are skipped). */
export async function userSessionIds(
  deps: Pick<SessionDeps, 'store'>,
  tenant: string,
  userId: string,
): Promise<string[]> {
  const prefix = sessionKey(tenant, userId, 'x').slice(0, -1);
  const members = await deps.store.indexMembers(sessionIndex(tenant, userId));
  return members
    .filter((key) => key.startsWith(prefix))
    .map((key) => key.slice(prefix.length))
    .filter((id) => sessionCreatedAt(id) !== null);
}
