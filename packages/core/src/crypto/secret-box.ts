import { createCipheriv, createDecipheriv } from 'node:crypto';
import { deriveKey } from './derive-key.js';
import { AuthError } from '../errors/auth-error.js';
import { systemRandom, type RandomSource } from '../util/random.js';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM sealing under a key derived (HKDF-SHA256) from the master secret,
 * one subkey per purpose so a key sealed for signing keys never opens TOTP secrets.
 * The associated data binds a sealed value to its record (e.g. the key id), so a
 * sealed blob copied onto another row does not open.
 * Format: `v1.<base64url(iv | ciphertext | tag)>`.
 */
export class SecretBox {
  private readonly key: Buffer;

  /** `random` draws the IVs: a source that repeats itself would break GCM, so tests only. */
  constructor(
    masterSecret: Buffer,
    purpose: string,
    private readonly random: RandomSource = systemRandom,
  ) {
    if (masterSecret.length < 32) throw new TypeError('The master secret must be at least 32 bytes');
    this.key = deriveKey(masterSecret, purpose);
  }

  seal(plaintext: Buffer, associatedData: string): string {
    const iv = this.random.bytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  open(sealed: string, associatedData: string): Buffer {
    const [version, payload] = sealed.split('.', 2);
    const raw = payload ? Buffer.from(payload, 'base64url') : Buffer.alloc(0);
    if (version !== VERSION || raw.length < IV_BYTES + TAG_BYTES) {
      throw new AuthError('internal_error', 'Sealed value has an unknown format');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch (error) {
      // Wrong master secret or tampered record; the message must not help an attacker.
      throw new AuthError(
        'internal_error',
        'A sealed secret could not be opened: GATEHOUSE_SECRET differs from the one it was sealed with, or the record was altered',
        undefined,
        { cause: error },
      );
    }
  }
}
