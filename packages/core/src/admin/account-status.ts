import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { AuditEmitter } from '../audit/types.js';
import type { RequestContext } from '../kernel/request-context.js';
import { users } from '../database/schema.js';
import type { GatehouseDb } from '../database/types.js';
import type { LoginThrottle } from '../limits/login-throttle.js';
import type { SessionService } from '../sessions/session-service.js';
import { systemClock, type Clock } from '../util/clock.js';
import { normalizeEmail } from '../kernel/email.js';
import { isDeletedUser } from '../accounts/user-directory.js';
import { isUuid, type UserRow, type UserStatus } from '../accounts/user-repository.js';

/** What the admin status operations need from the engine. */
export interface AccountStatusParts {
  db: GatehouseDb;
  sessions: Pick<SessionService, 'revokeUserSessions'>;
  throttle: Pick<LoginThrottle, 'unlock' | 'state'>;
  audit: AuditEmitter;
  /** Stamps `updatedAt` (default: the system clock). */
  clock?: Clock | undefined;
}

/**
 * An account as an admin sees it: the row, and the login throttle's hold on its address:
 * locked out (423 for every attempt) and/or throttled (429 from at least one client network),
 * each for how long from now (0 when not).
 */
export interface AdminUserView {
  user: UserRow;
  lockedOut: boolean;
  lockedForMs: number;
  throttled: boolean;
  throttledForMs: number;
}

export type AccountStatusAction = 'lock' | 'unlock' | 'disable' | 'enable';

interface Transition {
  /** Statuses the action moves from; from any other it changes nothing. */
  from: readonly UserStatus[];
  to: UserStatus;
  event: string;
}

/**
 * Lock and disable apply to any live account (the admin's latest word wins); enable only
 * lifts a disable and unlock only an admin's lock, so neither undoes the other by accident.
 */
const TRANSITIONS: Record<AccountStatusAction, Transition> = {
  lock: { from: ['active', 'disabled'], to: 'locked', event: 'user.locked' },
  unlock: { from: ['locked'], to: 'active', event: 'user.unlocked' },
  disable: { from: ['active', 'locked'], to: 'disabled', event: 'user.disabled' },
  enable: { from: ['disabled'], to: 'active', event: 'user.enabled' },
};

/** A live (not deleted) account of the tenant, or undefined. */
export async function findLiveUser(
  db: GatehouseDb,
  tenant: string,
  id: string,
): Promise<UserRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, tenant), eq(users.id, id)));
  return user && !isDeletedUser(user) ? user : undefined;
}

export async function viewUser(
  parts: AccountStatusParts,
  tenant: string,
  id: string,
): Promise<AdminUserView | undefined> {
  const user = await findLiveUser(parts.db, tenant, id);
  if (!user) return undefined;
  const { lockedForMs, throttledForMs } = await parts.throttle.state(tenant, normalizeEmail(user.email));
  return { user, lockedOut: lockedForMs > 0, lockedForMs, throttled: throttledForMs > 0, throttledForMs };
}

/**
 * Applies an admin status action. A change bumps the account version, ends every session
 * of the user and is audited; an account already in the target state is left as it is.
 * Unlock also lifts the login throttle's lockout and every (identifier, IP) throttle of the
 * address, whatever the status. Undefined for an unknown, other-tenant or deleted account.
 */
export async function changeAccountStatus(
  parts: AccountStatusParts,
  tenant: string,
  id: string,
  action: AccountStatusAction,
  ctx: RequestContext,
  actor?: string,
): Promise<UserRow | undefined> {
  const { from, to, event } = TRANSITIONS[action];
  const changed = await transition(parts.db, parts.clock ?? systemClock, tenant, id, from, to);
  const user = changed ?? (await findLiveUser(parts.db, tenant, id));
  if (!user) return undefined;
  const throttleLifted = action === 'unlock' && (await liftThrottleLockout(parts, tenant, user));
  if (changed) {
    await parts.sessions.revokeUserSessions(tenant, id, { reason: 'admin', ctx, actor });
  }
  // An unlock always did something (the throttle's counts are reset), so it is always audited.
  if (changed || action === 'unlock') {
    parts.audit.emit({
      type: event,
      tenant,
      userId: id,
      requestId: ctx.requestId,
      ip: ctx.ip,
      data: {
        status: user.status,
        statusChanged: Boolean(changed),
        throttleLifted,
        ...(actor ? { actor } : {}),
      },
    });
  }
  return user;
}

/** Ends every session of a live account (audited as `sessions.revoked_all`, reason 'admin'). */
export async function revokeAllSessions(
  parts: AccountStatusParts,
  tenant: string,
  id: string,
  ctx: RequestContext,
  actor?: string,
): Promise<number | undefined> {
  if (!(await findLiveUser(parts.db, tenant, id))) return undefined;
  return parts.sessions.revokeUserSessions(tenant, id, { reason: 'admin', ctx, actor });
}

/**
 * One conditional UPDATE: the status moves only from an expected one, so two admins racing
 * (or a deletion meanwhile) cannot resurrect a deleted account or undo each other's change.
 */
async function transition(
  db: GatehouseDb,
  clock: Clock,
  tenant: string,
  id: string,
  from: readonly UserStatus[],
  to: UserStatus,
): Promise<UserRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [user] = await db
    .update(users)
    .set({
      status: to,
      accountVersion: sql`${users.accountVersion} + 1`,
      updatedAt: new Date(clock.now()),
    })
    .where(
      and(
        eq(users.tenantId, tenant),
        eq(users.id, id),
        inArray(users.status, [...from]),
        isNull(users.deletedAt),
      ),
    )
    .returning();
  return user;
}

/** Clears every throttle counter of the address; true when a lockout or throttle was in force. */
async function liftThrottleLockout(parts: AccountStatusParts, tenant: string, user: UserRow) {
  const identifier = normalizeEmail(user.email);
  const held = await parts.throttle.state(tenant, identifier);
  // Always cleared: it also resets the counts that lead to a lockout or a throttle.
  await parts.throttle.unlock(tenant, identifier);
  return held.lockedForMs > 0 || held.throttledForMs > 0;
}
