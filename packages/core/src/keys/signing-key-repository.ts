import { createPublicKey } from 'node:crypto';
import { and, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { signingKeys } from '../database/schema.js';
import type { GatehouseDb } from '../database/types.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { exportPrivateKey, importPrivateKey, type KeyMaterial } from './generate-key.js';
import type { PublicJwk, SigningAlgorithm, SigningKey, SigningKeyStatus } from './types.js';

// Serialises rotations across instances (a transaction-scoped advisory lock).
const ROTATION_LOCK_ID = 0x6b657973; // "keys"

const sealedAad = (kid: string, alg: string) => `signing-key:${kid}:${alg}`;

type Row = typeof signingKeys.$inferSelect;

/** Signing keys in the Database: private halves sealed under the master secret. */
export class SigningKeyRepository {
  constructor(
    private readonly db: GatehouseDb,
    private readonly box: SecretBox,
  ) {}

  /** Keys that sign or verify at `now`: next, current and retired ones inside their grace window. */
  async listUsable(now: Date): Promise<SigningKey[]> {
    const rows = await this.db
      .select()
      .from(signingKeys)
      .where(
        or(
          inArray(signingKeys.status, ['next', 'current']),
          and(
            eq(signingKeys.status, 'retired'),
            or(isNull(signingKeys.expiresAt), gt(signingKeys.expiresAt, now)),
          ),
        ),
      );
    return rows.map((row) => this.toSigningKey(row));
  }

  /** Inserts a key in `status` unless one already holds it (another instance won); returns whether it did. */
  async insertIfVacant(key: KeyMaterial, status: 'next' | 'current', now: Date): Promise<boolean> {
    const inserted = await this.db
      .insert(signingKeys)
      .values({
        kid: key.kid,
        alg: key.alg,
        status,
        publicJwk: key.publicJwk,
        privateKeySealed: this.box.seal(exportPrivateKey(key), sealedAad(key.kid, key.alg)),
        createdAt: now,
        activatedAt: status === 'current' ? now : null,
      })
      .onConflictDoNothing()
      .returning({ kid: signingKeys.kid });
    return inserted.length > 0;
  }

  /** Drops the unpublished-to-signing `next` key (e.g. when the configured algorithm changed). */
  async deleteNext(kid: string): Promise<void> {
    await this.db.delete(signingKeys).where(and(eq(signingKeys.kid, kid), eq(signingKeys.status, 'next')));
  }

  /**
   * current → retired (verifies until now + grace), next → current, `newNext` → next; unless
   * the next key was created less than `minNextAgeMs` ago (instances may not have loaded it
   * yet), which rotates nothing and says when it may. One transaction under an advisory lock:
   * of instances rotating together, the first rotates and the others find a brand-new next key.
   */
  async rotate(
    newNext: KeyMaterial,
    now: Date,
    graceSeconds: number,
    minNextAgeMs: number,
  ): Promise<{ rotated: true } | { rotated: false; waitMs: number }> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${ROTATION_LOCK_ID})`);
      const [next] = await tx.select().from(signingKeys).where(eq(signingKeys.status, 'next'));
      if (!next) throw new Error('No next signing key to promote; start the server once to create it');
      const waitMs = next.createdAt.getTime() + minNextAgeMs - now.getTime();
      if (waitMs > 0) return { rotated: false, waitMs };
      await tx
        .update(signingKeys)
        .set({ status: 'retired', retiredAt: now, expiresAt: new Date(now.getTime() + graceSeconds * 1000) })
        .where(eq(signingKeys.status, 'current'));
      await tx
        .update(signingKeys)
        .set({ status: 'current', activatedAt: now })
        .where(eq(signingKeys.kid, next.kid));
      await tx.insert(signingKeys).values({
        kid: newNext.kid,
        alg: newNext.alg,
        status: 'next',
        publicJwk: newNext.publicJwk,
        privateKeySealed: this.box.seal(exportPrivateKey(newNext), sealedAad(newNext.kid, newNext.alg)),
        createdAt: now,
      });
      return { rotated: true };
    });
  }

  private toSigningKey(row: Row): SigningKey {
    const alg = row.alg as SigningAlgorithm;
    const privateKey = importPrivateKey(
      alg,
      this.box.open(row.privateKeySealed, sealedAad(row.kid, row.alg)),
    );
    return {
      kid: row.kid,
      alg,
      status: row.status as SigningKeyStatus,
      privateKey,
      verifyKey: alg === 'HS256' ? privateKey : createPublicKey(privateKey),
      publicJwk: (row.publicJwk as PublicJwk | null) ?? null,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
    };
  }
}
