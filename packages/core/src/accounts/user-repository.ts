import { and, eq, sql } from 'drizzle-orm';
import { credentials, oauthAccounts, users, webauthnCredentials } from '../database/schema.js';
import type { GatehouseDb } from '../database/types.js';
import { systemClock, type Clock } from '../util/clock.js';
import { systemRandom, type RandomSource } from '../util/random.js';
import { normalizeEmail } from '../kernel/email.js';

export type UserRow = typeof users.$inferSelect;
/** 'locked' is an admin's lock (until unlocked); 'deleted' a soft delete whose email stays taken. */
export type UserStatus = 'active' | 'disabled' | 'locked' | 'deleted';

export interface NewUser {
  tenant: string;
  email: string;
  name?: string | null;
  roles?: string[];
  emailVerified?: boolean;
  passwordHash?: string;
}

/** Thrown value-like when the normalised email already exists in the tenant. */
export class EmailTakenError extends Error {
  override readonly name = 'EmailTakenError';
}

const UNIQUE_VIOLATION = '23505';

/**
 * Users and their password credential. Every change of roles, permissions or
 * account state bumps the matching version, which tokens carry (rv/pv/av).
 */
export class UserRepository {
  constructor(
    private readonly db: GatehouseDb,
    private readonly clock: Clock = systemClock,
    private readonly random: RandomSource = systemRandom,
  ) {}

  /** Creates the user and (optionally) the password credential in one transaction. */
  async create(input: NewUser, now = this.now()): Promise<UserRow> {
    const id = this.random.uuid();
    try {
      return await this.db.transaction(async (tx) => {
        const [user] = await tx
          .insert(users)
          .values({
            id,
            tenantId: input.tenant,
            email: input.email.trim(),
            emailNormalized: normalizeEmail(input.email),
            emailVerifiedAt: input.emailVerified ? now : null,
            name: input.name ?? null,
            roles: input.roles ?? ['user'],
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        if (input.passwordHash) {
          await tx
            .insert(credentials)
            .values({ id: this.random.uuid(), userId: id, type: 'password', secret: input.passwordHash });
        }
        return user as UserRow;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new EmailTakenError('email_taken');
      throw error;
    }
  }

  async findByEmail(tenant: string, email: string): Promise<UserRow | undefined> {
    // PostgreSQL text cannot hold NUL: such an address names no account (and must not 500).
    if (email.includes('\u0000')) return undefined;
    const [user] = await this.db
      .select()
      .from(users)
      .where(and(eq(users.tenantId, tenant), eq(users.emailNormalized, normalizeEmail(email))));
    return user;
  }

  async findById(tenant: string, id: string): Promise<UserRow | undefined> {
    if (!isUuid(id)) return undefined;
    const [user] = await this.db
      .select()
      .from(users)
      .where(and(eq(users.tenantId, tenant), eq(users.id, id)));
    return user;
  }

  /** The user's password hash, or undefined for accounts without a password. */
  async passwordHash(userId: string): Promise<string | undefined> {
    const [row] = await this.db
      .select({ secret: credentials.secret })
      .from(credentials)
      .where(and(eq(credentials.userId, userId), eq(credentials.type, 'password')));
    return row?.secret;
  }

  async setPasswordHash(userId: string, hash: string): Promise<void> {
    const updated = await this.db
      .update(credentials)
      .set({ secret: hash, updatedAt: this.now() })
      .where(and(eq(credentials.userId, userId), eq(credentials.type, 'password')))
      .returning({ id: credentials.id });
    if (updated.length === 0) {
      await this.db
        .insert(credentials)
        .values({ id: this.random.uuid(), userId, type: 'password', secret: hash });
    }
  }

  /** Bumps the account version (a factor or identity change: tokens issued before are stale). */
  async bumpAccountVersion(tenant: string, id: string): Promise<void> {
    await this.db
      .update(users)
      .set({ accountVersion: sql`${users.accountVersion} + 1`, updatedAt: this.now() })
      .where(and(eq(users.tenantId, tenant), eq(users.id, id)));
  }

  /** Marks the address verified (once) and bumps the account version. */
  async markEmailVerified(tenant: string, id: string, now = this.now()): Promise<UserRow | undefined> {
    if (!isUuid(id)) return undefined;
    const [user] = await this.db
      .update(users)
      .set({
        emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now.toISOString()}::timestamptz)`,
        accountVersion: sql`${users.accountVersion} + 1`,
        updatedAt: now,
      })
      .where(and(eq(users.tenantId, tenant), eq(users.id, id)))
      .returning();
    return user;
  }

  /**
   * A new password (change or reset) in one transaction: the hash, the account version,
   * and with `verifyEmail` the address (a reset link proved the mailbox).
   */
  async replacePassword(
    tenant: string,
    id: string,
    hash: string,
    options: { verifyEmail?: boolean } = {},
  ): Promise<void> {
    const now = this.now();
    await this.db.transaction(async (tx) => {
      const [user] = await tx
        .update(users)
        .set({
          accountVersion: sql`${users.accountVersion} + 1`,
          updatedAt: now,
          ...(options.verifyEmail
            ? { emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now.toISOString()}::timestamptz)` }
            : {}),
        })
        .where(and(eq(users.tenantId, tenant), eq(users.id, id)))
        .returning({ id: users.id });
      if (!user) return;
      const updated = await tx
        .update(credentials)
        .set({ secret: hash, updatedAt: now })
        .where(and(eq(credentials.userId, id), eq(credentials.type, 'password')))
        .returning({ id: credentials.id });
      if (updated.length === 0) {
        await tx
          .insert(credentials)
          .values({ id: this.random.uuid(), userId: id, type: 'password', secret: hash });
      }
    });
  }

  /**
   * Soft delete: status 'deleted', profile data and every credential gone, account version
   * bumped. The row and its normalised email stay, so nobody can register the address again.
   */
  async softDelete(tenant: string, id: string, now = this.now()): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [user] = await tx
        .update(users)
        .set({
          status: 'deleted',
          deletedAt: now,
          name: null,
          locale: null,
          accountVersion: sql`${users.accountVersion} + 1`,
          updatedAt: now,
        })
        .where(and(eq(users.tenantId, tenant), eq(users.id, id)))
        .returning({ id: users.id });
      if (!user) return false;
      // Every way in goes: password and factors, passkeys, linked provider identities.
      await tx.delete(credentials).where(eq(credentials.userId, id));
      await tx.delete(webauthnCredentials).where(eq(webauthnCredentials.userId, id));
      await tx.delete(oauthAccounts).where(eq(oauthAccounts.userId, id));
      return true;
    });
  }

  /** Writes only the profile fields given (undefined = unchanged, null = cleared). */
  async updateProfile(
    tenant: string,
    id: string,
    update: { name?: string | null | undefined; locale?: string | null | undefined },
  ): Promise<UserRow | undefined> {
    if (!isUuid(id)) return undefined;
    const changes = {
      ...(update.name !== undefined ? { name: update.name } : {}),
      ...(update.locale !== undefined ? { locale: update.locale } : {}),
    };
    const [user] = await this.db
      .update(users)
      .set({ ...changes, updatedAt: this.now() })
      .where(and(eq(users.tenantId, tenant), eq(users.id, id)))
      .returning();
    return user;
  }

  /** Replaces the roles and bumps the role version (stale tokens then fail strict validation). */
  async setRoles(tenant: string, id: string, roles: string[]): Promise<UserRow | undefined> {
    const [user] = await this.db
      .update(users)
      .set({ roles: [...new Set(roles)], roleVersion: sql`${users.roleVersion} + 1`, updatedAt: this.now() })
      .where(and(eq(users.tenantId, tenant), eq(users.id, id)))
      .returning();
    return user;
  }

  /** Enables or disables the account and bumps the account version. */
  async setStatus(tenant: string, id: string, status: UserStatus): Promise<UserRow | undefined> {
    const [user] = await this.db
      .update(users)
      .set({ status, accountVersion: sql`${users.accountVersion} + 1`, updatedAt: this.now() })
      .where(and(eq(users.tenantId, tenant), eq(users.id, id)))
      .returning();
    return user;
  }

  /** The injected clock's time as a timestamp for the database. */
  private now(): Date {
    return new Date(this.clock.now());
  }
}

function isUniqueViolation(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if ((current as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
  }
  return false;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);
