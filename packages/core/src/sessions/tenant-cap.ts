import { stateKeys } from '../state/index.js';
import { absoluteExpiry } from './lifetimes.js';
import type { SessionDeps } from './types.js';

/**
 * The per-tenant session cap (`sessions.maxPerTenant`). A tenant's sessions live in as many
 * hash slots as it has users, so they cannot share one index. Each session therefore also
 * gets a marker in the tenant's own slot (pseudo-user `~tenant`, which no user id can be),
 * and the cap counts the tenant's live markers.
 *
 * Trade-offs, by design:
 * - A marker lives until the session's absolute expiry (a refresh must stay one StateStore
 *   call, so it cannot extend the marker). Sessions that ended by idling out keep counting
 *   until then: the cap may refuse early, never late. Revocation, eviction and reuse
 *   detection remove markers at once.
 * - Counting lists the tenant's markers: O(sessions in the tenant) per sign-in. Nothing of
 *   this runs when the cap is off (the default).
 * - Check-then-create: concurrent sign-ins may overshoot the cap by their number.
 */
const TENANT_OWNER = '~tenant';

/**
 * The Retry-After of a sign-in refused at the cap. Nothing says when another session of the
 * tenant will end, so it is a polite pace for retries, not a promise.
 */
export const TENANT_CAP_RETRY_AFTER_SECONDS = 60;

const markerKey = (tenant: string, userId: string, sessionId: string): string =>
  stateKeys.user(tenant, TENANT_OWNER, 'session', userId, sessionId);

const markerIndex = (tenant: string): string => stateKeys.user(tenant, TENANT_OWNER, 'sessions');

type CapDeps = Pick<SessionDeps, 'store' | 'config'>;

export async function tenantAtCapacity(deps: CapDeps, tenant: string): Promise<boolean> {
  const max = deps.config.sessions.maxPerTenant;
  if (max === null) return false;
  return (await deps.store.indexMembers(markerIndex(tenant))).length >= max;
}

export async function recordTenantSession(
  deps: CapDeps,
  tenant: string,
  userId: string,
  sessionId: string,
  createdAt: number,
): Promise<void> {
  if (deps.config.sessions.maxPerTenant === null) return;
  const ttlMs = absoluteExpiry(createdAt, deps.config) - createdAt;
  await deps.store.set(markerKey(tenant, userId, sessionId), '1', { ttlMs, index: markerIndex(tenant) });
}

export async function forgetTenantSessions(
  deps: CapDeps,
  tenant: string,
  userId: string,
  sessionIds: readonly string[],
): Promise<void> {
  if (deps.config.sessions.maxPerTenant === null) return;
  const index = markerIndex(tenant);
  await Promise.all(sessionIds.map((id) => deps.store.delete(markerKey(tenant, userId, id), { index })));
}
