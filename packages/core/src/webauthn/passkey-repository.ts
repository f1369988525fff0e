import { and, asc, eq, lt, ne } from 'drizzle-orm';
import { normalizeEmail } from '../kernel/email.js';
import { isUuid } from '../accounts/user-repository.js';
import { users, webauthnCredentials } from '../database/schema.js';
import type { GatehouseDb } from '../database/types.js';
import { systemRandom, type RandomSource } from '../util/random.js';

export type PasskeyRow = typeof webauthnCredentials.$inferSelect;

export interface NewPasskey {
  userId: string;
  tenantId: string;
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  deviceType: string;
  backedUp: boolean;
  aaguid: string | null;
  name: string;
  createdAt: Date;
}

/** What a browser needs to offer one credential (allowCredentials / excludeCredentials). */
export interface CredentialDescriptor {
  id: string;
  transports: string[];
}

/**
 * Passkeys in `webauthn_credentials`. A credential id is unique across tenants (the index
 * says so); every read for a user is also filtered by tenant, so a row of one tenant never
 * answers in another.
 */
export class PasskeyRepository {
  constructor(
    private readonly db: GatehouseDb,
    private readonly random: RandomSource = systemRandom,
  ) {}

  /** The user's passkeys, oldest first. */
  listForUser(tenant: string, userId: string): Promise<PasskeyRow[]> {
    return this.db
      .select()
      .from(webauthnCredentials)
      .where(and(eq(webauthnCredentials.tenantId, tenant), eq(webauthnCredentials.userId, userId)))
      .orderBy(asc(webauthnCredentials.createdAt));
  }

  async findByCredentialId(credentialId: string): Promise<PasskeyRow | undefined> {
    const [row] = await this.db
      .select()
      .from(webauthnCredentials)
      .where(eq(webauthnCredentials.credentialId, credentialId));
    return row;
  }

  /**
   * The passkeys of the account with this email, in one query whether or not the account
   * exists (so the answer for an unknown address costs the same). Deleted accounts have none.
   */
  async descriptorsForEmail(tenant: string, email: string): Promise<CredentialDescriptor[]> {
    // PostgreSQL text cannot hold NUL: such an address names no account (and must not 500).
    if (email.includes('\u0000')) return [];
    return this.db
      .select({ id: webauthnCredentials.credentialId, transports: webauthnCredentials.transports })
      .from(webauthnCredentials)
      .innerJoin(users, eq(users.id, webauthnCredentials.userId))
      .where(
        and(
          eq(users.tenantId, tenant),
          eq(users.emailNormalized, normalizeEmail(email)),
          ne(users.status, 'deleted'),
          eq(webauthnCredentials.tenantId, tenant),
        ),
      )
      .orderBy(asc(webauthnCredentials.createdAt));
  }

  /** Stores a new passkey; undefined when its credential id is already registered (to anyone). */
  async add(passkey: NewPasskey): Promise<PasskeyRow | undefined> {
    const [row] = await this.db
      .insert(webauthnCredentials)
      .values({ id: this.random.uuid(), ...passkey })
      .onConflictDoNothing({ target: webauthnCredentials.credentialId })
      .returning();
    return row;
  }

  /**
   * Records a verified use. The counter only moves forward, checked in the same statement, so
   * of two assertions carrying the same counter (a cloned authenticator, or a race) one fails.
   * Authenticators without a counter always send 0, which stays 0.
   */
  async recordUse(id: string, newCounter: number, backedUp: boolean, at: Date): Promise<boolean> {
    const counterMoves =
      newCounter === 0 ? eq(webauthnCredentials.counter, 0) : lt(webauthnCredentials.counter, newCounter);
    const updated = await this.db
      .update(webauthnCredentials)
      .set({ counter: newCounter, backedUp, lastUsedAt: at })
      .where(and(eq(webauthnCredentials.id, id), counterMoves))
      .returning({ id: webauthnCredentials.id });
    return updated.length === 1;
  }

  /** Removes one of the user's passkeys; false for an unknown id or another user's. */
  /** Every passkey of a user (admin factor reset); returns how many went. */
  async removeAll(tenant: string, userId: string): Promise<number> {
    const deleted = await this.db
      .delete(webauthnCredentials)
      .where(and(eq(webauthnCredentials.tenantId, tenant), eq(webauthnCredentials.userId, userId)))
      .returning({ id: webauthnCredentials.id });
    return deleted.length;
  }

  async remove(tenant: string, userId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const deleted = await this.db
      .delete(webauthnCredentials)
      .where(
        and(
          eq(webauthnCredentials.id, id),
          eq(webauthnCredentials.userId, userId),
          eq(webauthnCredentials.tenantId, tenant),
        ),
      )
      .returning({ id: webauthnCredentials.id });
    return deleted.length === 1;
  }
}
