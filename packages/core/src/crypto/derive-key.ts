import { hkdfSync } from 'node:crypto';

/**
 * A 32-byte key for one purpose, derived (HKDF-SHA256) from the master secret: each use
 * (throttle counters, one-time secrets, TOTP sealing, ...) gets its own key, so a key that
 * leaks from one purpose opens nothing else. The purpose names are stored nowhere but the
 * derivations depend on them: a purpose never changes once released.
 */
export function deriveKey(masterSecret: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterSecret, Buffer.alloc(0), `gatehouse:${purpose}`, 32));
}
