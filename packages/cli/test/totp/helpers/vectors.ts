import { readFileSync } from 'node:fs';

/** The RFC 6238 / RFC 4226 vectors (see fixtures/README.md for where they come from). */
export interface OtpVectors {
  totp: { time: number; algorithm: 'SHA1' | 'SHA256' | 'SHA512'; secretAscii: string; otp: string }[];
  hotp: { secretAscii: string; values: { counter: number; otp: string }[] };
}

export const vectors = JSON.parse(
  readFileSync(new URL('../fixtures/otp-rfc6238-rfc4226.json', import.meta.url), 'utf8'),
) as OtpVectors;
