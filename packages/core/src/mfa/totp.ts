import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { RandomSource } from '../util/random.js';

/** The `mfa.totp` settings a credential was enrolled with (kept with it: changing config never breaks apps). */
export interface TotpSettings {
  algorithm: 'SHA1' | 'SHA256' | 'SHA512';
  digits: number;
  periodSeconds: number;
}

/** RFC 4226 §4 asks for at least 128 bits; the key length matching the hash is the usual choice. */
const SECRET_BYTES = { SHA1: 20, SHA256: 32, SHA512: 64 } as const;

export function newTotpSecret(settings: TotpSettings, random: RandomSource): Buffer {
  return random.bytes(SECRET_BYTES[settings.algorithm]);
}

export function base32Of(secret: Buffer): string {
  return new Secret({ buffer: toArrayBuffer(secret) }).base32;
}

/** The `otpauth://totp/...` URI authenticator apps scan. */
export function totpUri(secret: Buffer, settings: TotpSettings, issuer: string, account: string): string {
  return totp(secret, settings, issuer, account).toString();
}

export function qrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/**
 * The time step a code belongs to, if it is valid within ±window steps of `nowMs`, else null.
 * Callers mark the step used, so no code is accepted twice.
 */
export function matchTotpStep(
  secret: Buffer,
  code: string,
  settings: TotpSettings,
  window: number,
  nowMs: number,
): number | null {
  if (!new RegExp(`^\\d{${settings.digits}}$`).test(code)) return null;
  const delta = totp(secret, settings).validate({ token: code, timestamp: nowMs, window });
  if (delta === null) return null;
  return Math.floor(nowMs / 1000 / settings.periodSeconds) + delta;
}

/** The current code (tests and the CLI authenticator use the same library). */
export function totpCode(secret: Buffer, settings: TotpSettings, nowMs: number): string {
  return totp(secret, settings).generate({ timestamp: nowMs });
}

function totp(secret: Buffer, settings: TotpSettings, issuer = '', label = ''): TOTP {
  return new TOTP({
    issuer,
    label,
    issuerInLabel: issuer !== '',
    secret: new Secret({ buffer: toArrayBuffer(secret) }),
    algorithm: settings.algorithm,
    digits: settings.digits,
    period: settings.periodSeconds,
  });
}

function toArrayBuffer(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}
