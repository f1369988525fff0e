import { createHmac } from 'node:crypto';
import type { OtpAlgorithm, OtpEntry } from './entry.js';

/**
 * HOTP (RFC 4226) and TOTP (RFC 6238). Written out rather than taken from a library so the
 * key stays in a Buffer the vault zeroes; checked against the RFC vectors and oathtool.
 */
export function hotp(secret: Buffer, counter: number, algorithm: OtpAlgorithm, digits: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm.toLowerCase(), secret).update(message).digest();
  // Dynamic truncation: the low nibble of the last byte picks 4 bytes; the top bit is dropped.
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  mac.fill(0);
  return String(value % 10 ** digits).padStart(digits, '0');
}

/** The TOTP step (counter) that `timeMs` falls in. */
export function totpStep(timeMs: number, period: number): number {
  return Math.floor(timeMs / 1000 / period);
}

/** Whole seconds until the code valid at `timeMs` changes (1…period). */
export function secondsLeft(timeMs: number, period: number): number {
  return period - (Math.floor(timeMs / 1000) % period);
}

/** The code of a TOTP entry at `timeMs`, or of a HOTP entry at its current counter. */
export function entryCode(entry: OtpEntry, timeMs: number): string {
  const counter = entry.kind === 'hotp' ? entry.counter : totpStep(timeMs, entry.period);
  return hotp(entry.secret, counter, entry.algorithm, entry.digits);
}
