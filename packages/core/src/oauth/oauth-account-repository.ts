import { and, asc, eq } from 'drizzle-orm';
import { isUuid } from '../accounts/user-repository.js';
import { oauthAccounts } from '../database/schema.js';
import type { GatehouseDb } from '../database/types.js';
import { systemRandom, type RandomSource } from '../util/random.js';

export type OAuthAccountRow = typeof oauthAccounts.$inferSelect;

export interface NewOAuthAccount {
  tenant: string;
  userId: string;
  provider: string;
  subject: string;
  /** What the provider reported (display only; never a lookup key). */
  email: string | null;
}

/**
 * Provider identities in `oauth_accounts`, found by (tenant, provider, subject) and never by
 * email. Every read and delete for a user is also filtered by tenant and user, so a row of
 * another user or tenant never answers.
 */
export class OAuthAccountRepository {
  constructor(
    private readonly db: GatehouseDb,
    private readonly random: RandomSource = systemRandom,
  ) {}

  async findByIdentity(
    tenant: string,
    provider: string,
    subject: string,
  ): Promise<OAuthAccountRow | undefined> {
    const [row] = await this.db
      .select()
      .from(oauthAccounts)
      .where(
        and(
          eq(oauthAccounts.tenantId, tenant),
          eq(oauthAccounts.provider, provider),
          eq(oauthAccounts.subject, subject),
        ),
      );
    return row;
  }

  /** The user's identities, oldest first. */
  listForUser(tenant: string, userId: string): Promise<OAuthAccountRow[]> {
    if (!isUuid(userId)) return Promise.resolve([]);
    return this.db
      .select()
      .from(oauthAccounts)
      .where(and(eq(oauthAccounts.tenantId, tenant), eq(oauthAccounts.userId, userId)))
      .orderBy(asc(oauthAccounts.createdAt));
  }

  /** Links the identity; undefined when it is already linked (to anyone): the unique index decides. */
  async link(account: NewOAuthAccount, now: Date): Promise<OAuthAccountRow | undefined> {
    const [row] = await this.db
      .insert(oauthAccounts)
      .values({
        id: this.random.uuid(),
        userId: account.userId,
        tenantId: account.tenant,
        provider: account.provider,
        subject: account.subject,
        email: account.email,
        createdAt: now,
        lastUsedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    return row;
  }

  async recordUse(id: string, now: Date): Promise<void> {
    await this.db.update(oauthAccounts).set({ lastUsedAt: now }).where(eq(oauthAccounts.id, id));
  }

  /** Removes one of the user's identities; false when it is not theirs (or gone). */
  async remove(tenant: string, userId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const deleted = await this.db
      .delete(oauthAccounts)
      .where(
        and(eq(oauthAccounts.id, id), eq(oauthAccounts.tenantId, tenant), eq(oauthAccounts.userId, userId)),
      )
      .returning({ id: oauthAccounts.id });
    return deleted.length === 1;
  }

  /**
   * Removes one of the user's identities unless it is their last and `keepLast` says the
   * account has no other way in. The user's rows are locked first, so two concurrent unlinks
   * of the last two identities cannot both win.
   */
  async removeUnlessLast(
    tenant: string,
    userId: string,
    id: string,
    keepLast: boolean,
  ): Promise<'removed' | 'not_found' | 'last'> {
    if (!isUuid(id) || !isUuid(userId)) return 'not_found';
    return this.db.transaction(async (tx) => {
      const owned = await tx
        .select({ id: oauthAccounts.id })
        .from(oauthAccounts)
        .where(and(eq(oauthAccounts.tenantId, tenant), eq(oauthAccounts.userId, userId)))
        .for('update');
      if (!owned.some((row) => row.id === id)) return 'not_found';
      if (owned.length === 1 && keepLast) return 'last';
      await tx.delete(oauthAccounts).where(eq(oauthAccounts.id, id));
      return 'removed';
    });
  }

  /** Removes every identity of the user; returns how many went. */
  async removeAll(tenant: string, userId: string): Promise<number> {
    const deleted = await this.db
      .delete(oauthAccounts)
      .where(and(eq(oauthAccounts.tenantId, tenant), eq(oauthAccounts.userId, userId)))
      .returning({ id: oauthAccounts.id });
    return deleted.length;
  }
}
