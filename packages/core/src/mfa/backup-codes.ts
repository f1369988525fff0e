import type { PasswordHasher } from '../password/index.js';
import type { RandomSource } from '../util/random.js';
import type { FactorRepository } from './factor-repository.js';
import type { FactorCheckParts } from './mfa-parts.js';

/**
 * Backup codes look like `K7QM-2XH9P-4TRWD`: a public 4-character slot (which row to
 * check, so verifying costs one Argon2id hash, not ten) and a 10-character secret from a
 * 32-symbol alphabet without look-alikes (no 0/O, 1/I): 50 bits each, stored as an
 * Argon2id hash like a password.
 */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const SLOT_LENGTH = 4;
const SECRET_LENGTH = 10;
const FORMAT = new RegExp(`^[${ALPHABET}]{${SLOT_LENGTH + SECRET_LENGTH}}$`);

const randomText = (random: RandomSource, length: number) =>
  Array.from({ length }, () => ALPHABET[random.below(ALPHABET.length)]).join('');

/**
 * Creates a new set of `mfa.backupCodeCount` codes (the old set dies in the same transaction)
 * and returns the codes, shown once.
 */
export async function issueBackupCodes(parts: FactorCheckParts, userId: string): Promise<string[]> {
  const { random } = parts;
  const count = parts.config.mfa.backupCodeCount;
  const slots = new Set<string>();
  while (slots.size < count) slots.add(randomText(random, SLOT_LENGTH));
  const codes = [...slots].map((slot) => ({ slot, secret: randomText(random, SECRET_LENGTH) }));
  const hashed = await Promise.all(
    codes.map(async ({ slot, secret }) => ({ slot, hash: await parts.hasher.hash(secret) })),
  );
  await parts.mfa.factors.replaceBackupCodes(userId, hashed);
  return codes.map(({ slot, secret }) => `${slot}-${secret.slice(0, 5)}-${secret.slice(5)}`);
}

/** Checks and uses up a backup code: true for exactly one of concurrent uses of a valid code. */
export async function useBackupCode(
  factors: FactorRepository,
  hasher: PasswordHasher,
  userId: string,
  code: string,
): Promise<boolean> {
  // Users copy codes with spaces, dashes and lower case: only the symbols count.
  const compact = code.toUpperCase().replace(/[\s-]/g, '');
  if (!FORMAT.test(compact)) return false;
  const row = await factors.backupCode(userId, compact.slice(0, SLOT_LENGTH));
  if (!row) {
    await hasher.verifyDummy(compact);
    return false;
  }
  const verified = await hasher.verify(row.hash, compact.slice(SLOT_LENGTH));
  return verified.ok && (await factors.consumeBackupCode(userId, row.id));
}
