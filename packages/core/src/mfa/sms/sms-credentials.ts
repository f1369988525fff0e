import { and, desc, eq } from 'drizzle-orm';
import { credentials } from '../../database/schema.js';
import type { GatehouseDb } from '../../database/types.js';
import { systemClock, type Clock } from '../../util/clock.js';
import { confirmPendingFactor, savePendingFactor } from '../pending-factor.js';

export interface SmsCredential {
  id: string;
  /** The E.164 number, sealed (see `phoneAad`). */
  sealedPhone: string;
  confirmed: boolean;
}

/**
 * The SMS factor's rows in the `credentials` table (type 'sms', `metadata.confirmed`, the
 * sealed number in `secret`), read only by user id. `FactorRepository` lists and removes
 * them with the other factors; enrolment lives here.
 */
export class SmsCredentials {
  constructor(
    private readonly db: GatehouseDb,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The confirmed number if there is one, else the newest pending one. */
  async current(userId: string): Promise<SmsCredential | undefined> {
    const rows = await this.rows(userId);
    return rows.find((row) => row.confirmed) ?? rows[0];
  }

  async byId(userId: string, id: string): Promise<SmsCredential | undefined> {
    return (await this.rows(userId)).find((row) => row.id === id);
  }

  /** Replaces an unconfirmed enrolment; refuses (false) while a confirmed number exists. */
  savePending(userId: string, id: string, sealedPhone: string): Promise<boolean> {
    return savePendingFactor(this.db, { id, userId, type: 'sms', secret: sealedPhone });
  }

  /** Marks the pending number confirmed; false if it was replaced or confirmed meanwhile. */
  confirm(userId: string, id: string): Promise<boolean> {
    return confirmPendingFactor(this.db, new Date(this.clock.now()), { id, userId, type: 'sms' });
  }

  private async rows(userId: string): Promise<SmsCredential[]> {
    const rows = await this.db
      .select({ id: credentials.id, secret: credentials.secret, metadata: credentials.metadata })
      .from(credentials)
      .where(and(eq(credentials.userId, userId), eq(credentials.type, 'sms')))
      .orderBy(desc(credentials.createdAt));
    return rows.map((row) => ({
      id: row.id,
      sealedPhone: row.secret,
      confirmed: row.metadata.confirmed === true,
    }));
  }
}
