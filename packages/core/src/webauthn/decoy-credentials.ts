import { createHmac } from 'node:crypto';
import { normalizeEmail } from '../kernel/email.js';
import type { CredentialDescriptor } from './passkey-repository.js';

/**
 * Shapes of real credentials: platform passkeys (iCloud Keychain 20 bytes, Google Password
 * Manager and Windows Hello 16 or 32) and security keys (64 and more, over USB/NFC).
 */
const SHAPES = [
  { bytes: 16, transports: ['hybrid', 'internal'] },
  { bytes: 20, transports: ['hybrid', 'internal'] },
  { bytes: 32, transports: ['hybrid', 'internal'] },
  { bytes: 64, transports: ['nfc', 'usb'] },
] as const;

/**
 * The allowCredentials answered for an address without passkeys (unknown, deleted, or
 * simply none): one plausible credential derived by HMAC from tenant and normalised email
 * under a key from the master secret — the same on every call (asking twice must not tell
 * decoys from real ones), different per address, and unlinkable to the secret.
 */
export function decoyCredentials(key: Buffer, tenant: string, email: string): CredentialDescriptor[] {
  const subject = `${tenant}\u0000${normalizeEmail(email)}`;
  const shapeByte = hmac(key, 'shape', subject)[0] ?? 0;
  const shape = SHAPES[shapeByte % SHAPES.length] ?? SHAPES[0];
  const id = hmac(key, 'id', subject).subarray(0, shape.bytes).toString('base64url');
  return [{ id, transports: [...shape.transports] }];
}

const hmac = (key: Buffer, label: string, subject: string): Buffer =>
  createHmac('sha512', key).update(`gatehouse:webauthn-decoy:${label}\u0000${subject}`).digest();
