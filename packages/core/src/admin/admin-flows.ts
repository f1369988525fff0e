import type { UserDirectory, UserListQuery, UserPage } from '../accounts/user-directory.js';
import type { UserRepository, UserRow } from '../accounts/user-repository.js';
import type { Keyring, KeyRotation } from '../keys/index.js';
import { origin } from '../kernel/outcome.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
import { resetFactors, type MfaFlowParts } from '../mfa/index.js';
import {
  changeAccountStatus,
  findLiveUser,
  revokeAllSessions,
  viewUser,
  type AccountStatusParts,
  type AdminUserView,
} from './account-status.js';

/** What the admin operations use: account status, the directory, and second factors (reset). */
export type AdminParts = AccountStatusParts &
  MfaFlowParts & {
    users: UserRepository;
    directory: UserDirectory;
    tenants: TenantDirectory;
    keyring: Keyring;
  };

/**
 * The administrator acting, as its access token names it: every change an admin makes is
 * audited with it (`data.actor`), next to the account it changed.
 */
export interface AdminCaller {
  userId: string;
  /** The admin's own tenant (a system admin may act on another one). */
  tenant: string;
}

/**
 * `engine.admin`: an administrator's operations on the accounts of a tenant. Each returns
 * undefined for an unknown, other-tenant or deleted account; a status change bumps `av`,
 * ends every session of the user and is audited.
 */
export class AdminFlows {
  constructor(private readonly parts: AdminParts) {}

  /** One tenant's live accounts, newest first; throws validation_error for a bad cursor or limit. */
  listUsers(tenant: string, query: UserListQuery = {}): Promise<UserPage> {
    return this.parts.directory.list(tenant, query);
  }

  /** The account and whether the login throttle has locked it out. */
  getUser(tenant: string, userId: string): Promise<AdminUserView | undefined> {
    return viewUser(this.parts, tenant, userId);
  }

  /** An admin's lock ('locked' until unlocked): sign-in answers account_locked. */
  lockUser(
    admin: AdminCaller,
    tenant: string,
    userId: string,
    ctx: RequestContext,
  ): Promise<UserRow | undefined> {
    return changeAccountStatus(this.parts, tenant, userId, 'lock', ctx, admin.userId);
  }

  /** Lifts an admin's lock (locked → active) and the login throttle's lockout. */
  unlockUser(
    admin: AdminCaller,
    tenant: string,
    userId: string,
    ctx: RequestContext,
  ): Promise<UserRow | undefined> {
    return changeAccountStatus(this.parts, tenant, userId, 'unlock', ctx, admin.userId);
  }

  disableUser(
    admin: AdminCaller,
    tenant: string,
    userId: string,
    ctx: RequestContext,
  ): Promise<UserRow | undefined> {
    return changeAccountStatus(this.parts, tenant, userId, 'disable', ctx, admin.userId);
  }

  /** Lifts a disable (disabled → active). */
  enableUser(
    admin: AdminCaller,
    tenant: string,
    userId: string,
    ctx: RequestContext,
  ): Promise<UserRow | undefined> {
    return changeAccountStatus(this.parts, tenant, userId, 'enable', ctx, admin.userId);
  }

  /** Ends every session of the user; resolves to how many were live. */
  revokeUserSessions(
    admin: AdminCaller,
    tenant: string,
    userId: string,
    ctx: RequestContext,
  ): Promise<number | undefined> {
    return revokeAllSessions(this.parts, tenant, userId, ctx, admin.userId);
  }

  /** Which of these users have a second factor enrolled (API.md `mfaEnabled`), in one query. */
  usersWithFactors(userIds: readonly string[]): Promise<Set<string>> {
    return this.parts.mfa.factors.usersWithFactors(userIds);
  }

  /** Removes every second factor of a user (audited, sessions ended, user told). */
  resetFactors(admin: AdminCaller, tenant: string, userId: string, ctx: RequestContext): Promise<boolean> {
    return resetFactors(this.parts, tenant, userId, ctx, admin.userId);
  }

  /** Replaces roles, bumps rv and ends the user's sessions (their tokens carry the old roles). */
  async setRoles(
    admin: AdminCaller,
    tenant: string,
    userId: string,
    roles: string[],
    ctx: RequestContext,
  ): Promise<UserRow | undefined> {
    // A deleted account is gone for admins (404), even though its row stays.
    if (!(await findLiveUser(this.parts.db, tenant, userId))) return undefined;
    const user = await this.parts.users.setRoles(tenant, userId, roles);
    if (!user) return undefined;
    await this.parts.sessions.revokeUserSessions(tenant, userId, {
      reason: 'admin',
      ctx,
      actor: admin.userId,
    });
    this.parts.audit.emit({
      type: 'user.roles_changed',
      tenant,
      userId,
      requestId: ctx.requestId,
      ip: ctx.ip,
      data: { roles: roles.join(' '), actor: admin.userId },
    });
    return user;
  }

  /** A new tenant (false when the id is taken); audited as `tenant.created` by its admin. */
  async createTenant(admin: AdminCaller, id: string, name: string, ctx: RequestContext): Promise<boolean> {
    if (!(await this.parts.tenants.create(id, name))) return false;
    this.parts.audit.emit({ type: 'tenant.created', tenant: id, userId: admin.userId, ...origin(ctx) });
    return true;
  }

  /**
   * Promotes the next signing key (409 `rotation_too_soon` while other instances may not
   * have loaded it); audited as `keys.rotated` in the admin's tenant.
   */
  async rotateKeys(admin: AdminCaller, ctx: RequestContext): Promise<KeyRotation> {
    const rotation = await this.parts.keyring.rotate();
    if (rotation.ok) {
      this.parts.audit.emit({
        type: 'keys.rotated',
        tenant: admin.tenant,
        userId: admin.userId,
        ...origin(ctx),
      });
    }
    return rotation;
  }
}
