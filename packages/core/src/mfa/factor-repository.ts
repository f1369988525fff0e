import { and, eq, inArray, sql } from 'drizzle-orm';
import { credentials, webauthnCredentials } from '../database/schema.js';
import type { GatehouseDb } from '../database/types.js';
import { systemClock, type Clock } from '../util/clock.js';
import { systemRandom, type RandomSource } from '../util/random.js';
import { confirmPendingFactor, savePendingFactor } from './pending-factor.js';
import type { TotpSettings } from './totp.js';

/** The second factors an account can have, as API.md's `methods` name them. */
export type FactorMethod = 'totp' | 'backup_code' | 'sms' | 'webauthn';

export interface TotpCredential {
  id: string;
  sealedSecret: string;
  settings: TotpSettings;
  confirmed: boolean;
}

export interface BackupCodeRow {
  id: string;
  hash: string;
}

const SECOND_FACTOR_TYPES = ['totp', 'backup_code', 'sms'] as const;

/**
 * Second-factor credentials in the `credentials` table: one TOTP secret (sealed under the
 * master secret), one row per backup code (an Argon2id hash, found by its public slot), one
 * SMS number. Rows are only ever read by user id, so a user can never touch another's.
 */
export class FactorRepository {
  constructor(
    private readonly db: GatehouseDb,
    private readonly clock: Clock = systemClock,
    private readonly random: RandomSource = systemRandom,
  ) {}

  /** Confirmed factors, in a stable order (TOTP first); backup codes count only with another factor. */
  async enrolledMethods(userId: string): Promise<FactorMethod[]> {
    const rows = await this.db
      .select({ type: credentials.type, metadata: credentials.metadata })
      .from(credentials)
      .where(and(eq(credentials.userId, userId), inArray(credentials.type, [...SECOND_FACTOR_TYPES])));
    const confirmed = new Set(
      rows
        .filter((row) => row.type === 'backup_code' || row.metadata.confirmed === true)
        .map((row) => row.type),
    );
    const methods: FactorMethod[] = (['totp', 'sms'] as const).filter((type) => confirmed.has(type));
    // A passkey counts as a second factor (API.md "Sign-in policy").
    if (await this.hasPasskey(userId)) methods.push('webauthn');
    return methods.length > 0 && confirmed.has('backup_code') ? [...methods, 'backup_code'] : methods;
  }

  private async hasPasskey(userId: string): Promise<boolean> {
    const rows = await this.db
      .select({ id: webauthnCredentials.id })
      .from(webauthnCredentials)
      .where(eq(webauthnCredentials.userId, userId))
      .limit(1);
    return rows.length > 0;
  }

  /** Which of these users have a second factor (admin lists show `mfaEnabled` in one query). */
  async usersWithFactors(userIds: readonly string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.db
      .selectDistinct({ userId: credentials.userId })
      .from(credentials)
      .where(
        and(
          inArray(credentials.userId, [...userIds]),
          inArray(credentials.type, ['totp', 'sms']),
          sql`(${credentials.metadata} ->> 'confirmed') = 'true'`,
        ),
      );
    const passkeyOwners = await this.db
      .selectDistinct({ userId: webauthnCredentials.userId })
      .from(webauthnCredentials)
      .where(inArray(webauthnCredentials.userId, [...userIds]));
    return new Set([...rows, ...passkeyOwners].map((row) => row.userId));
  }

  async totp(userId: string): Promise<TotpCredential | undefined> {
    const [row] = await this.db
      .select()
      .from(credentials)
      .where(and(eq(credentials.userId, userId), eq(credentials.type, 'totp')));
    if (!row) return undefined;
    const { algorithm, digits, periodSeconds, confirmed } = row.metadata as Record<string, unknown>;
    return {
      id: row.id,
      sealedSecret: row.secret,
      settings: { algorithm, digits, periodSeconds } as TotpSettings,
      confirmed: confirmed === true,
    };
  }

  /** Replaces an unconfirmed TOTP enrolment; refuses (false) when a confirmed one exists. */
  savePendingTotp(
    userId: string,
    id: string,
    sealedSecret: string,
    settings: TotpSettings,
  ): Promise<boolean> {
    return savePendingFactor(this.db, {
      id,
      userId,
      type: 'totp',
      secret: sealedSecret,
      metadata: { ...settings },
    });
  }

  /** Marks the pending TOTP confirmed; false if it was replaced or confirmed meanwhile. */
  confirmTotp(userId: string, id: string): Promise<boolean> {
    return confirmPendingFactor(this.db, new Date(this.clock.now()), { id, userId, type: 'totp' });
  }

  /** Replaces the whole backup-code set in one transaction (the old set dies with it). */
  async replaceBackupCodes(userId: string, codes: { slot: string; hash: string }[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx
        .delete(credentials)
        .where(and(eq(credentials.userId, userId), eq(credentials.type, 'backup_code')));
      if (codes.length === 0) return;
      await tx.insert(credentials).values(
        codes.map(({ slot, hash }) => ({
          id: this.random.uuid(),
          userId,
          type: 'backup_code',
          secret: hash,
          metadata: { slot },
        })),
      );
    });
  }

  async backupCode(userId: string, slot: string): Promise<BackupCodeRow | undefined> {
    const [row] = await this.db
      .select({ id: credentials.id, hash: credentials.secret })
      .from(credentials)
      .where(
        and(
          eq(credentials.userId, userId),
          eq(credentials.type, 'backup_code'),
          sql`(${credentials.metadata} ->> 'slot') = ${slot}`,
        ),
      );
    return row;
  }

  /** Uses a backup code up: of concurrent callers exactly one deletes the row. */
  async consumeBackupCode(userId: string, id: string): Promise<boolean> {
    const deleted = await this.db
      .delete(credentials)
      .where(and(eq(credentials.id, id), eq(credentials.userId, userId)))
      .returning({ id: credentials.id });
    return deleted.length === 1;
  }

  async countBackupCodes(userId: string): Promise<number> {
    const [row] = await this.db
      .select({ count: sql<number>`count(*)::int` })
      .from(credentials)
      .where(and(eq(credentials.userId, userId), eq(credentials.type, 'backup_code')));
    return row?.count ?? 0;
  }

  /** Removes factors of these types; returns how many rows went. */
  async remove(userId: string, types: readonly string[]): Promise<number> {
    const deleted = await this.db
      .delete(credentials)
      .where(and(eq(credentials.userId, userId), inArray(credentials.type, [...types])))
      .returning({ id: credentials.id });
    return deleted.length;
  }
}
