import { and, eq, sql } from 'drizzle-orm';
import { credentials } from '../database/schema.js';
import type { GatehouseDb } from '../database/types.js';

/**
 * Enrolment of a factor with one credential per account (TOTP, SMS): a row of the
 * `credentials` table that stays pending (`metadata.confirmed: false`) until its first code
 * proves it. `FactorRepository` and `SmsCredentials` both enrol through these two steps.
 */
export type EnrolledFactorType = 'totp' | 'sms';

export interface PendingFactor {
  id: string;
  userId: string;
  type: EnrolledFactorType;
  /** The sealed secret or number. */
  secret: string;
  /** What the factor keeps beside it (TOTP: its settings); `confirmed` is set here. */
  metadata?: Record<string, unknown>;
}

/** Replaces an unconfirmed enrolment of this type; refuses (false) while a confirmed one exists. */
export function savePendingFactor(db: GatehouseDb, factor: PendingFactor): Promise<boolean> {
  const ofType = () => and(eq(credentials.userId, factor.userId), eq(credentials.type, factor.type));
  return db.transaction(async (tx) => {
    const existing = await tx.select({ metadata: credentials.metadata }).from(credentials).where(ofType());
    if (existing.some((row) => row.metadata.confirmed === true)) return false;
    await tx.delete(credentials).where(ofType());
    await tx.insert(credentials).values({
      id: factor.id,
      userId: factor.userId,
      type: factor.type,
      secret: factor.secret,
      metadata: { ...factor.metadata, confirmed: false },
    });
    return true;
  });
}

/** Marks the pending enrolment confirmed; false if it was replaced or confirmed meanwhile. */
export async function confirmPendingFactor(
  db: GatehouseDb,
  now: Date,
  factor: { id: string; userId: string; type: EnrolledFactorType },
): Promise<boolean> {
  const updated = await db
    .update(credentials)
    .set({ metadata: sql`${credentials.metadata} || '{"confirmed": true}'::jsonb`, updatedAt: now })
    .where(
      and(
        eq(credentials.id, factor.id),
        eq(credentials.userId, factor.userId),
        eq(credentials.type, factor.type),
        sql`(${credentials.metadata} ->> 'confirmed') = 'false'`,
      ),
    )
    .returning({ id: credentials.id });
  return updated.length === 1;
}
