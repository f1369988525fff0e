import { CliFailure } from '../secure-files/errors.js';

/** RFC 4648 base32, as authenticator secrets are written (usually unpadded, often grouped). */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Encodes without padding, as otpauth:// URIs carry it. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/**
 * Decodes leniently about presentation (lower case, spaces and dashes between groups,
 * trailing `=` padding) and strictly about content. Error messages give the position of a
 * bad character, never the input: it is a secret.
 */
export function base32Decode(text: string): Buffer {
  const compact = text.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
  const out = Buffer.alloc(Math.floor((compact.length * 5) / 8));
  let bits = 0;
  let value = 0;
  let length = 0;
  for (let index = 0; index < compact.length; index++) {
    const digit = ALPHABET.indexOf(compact[index] ?? '');
    if (digit === -1) {
      out.fill(0);
      throw new CliFailure(`invalid base32: character ${index + 1} is not A-Z or 2-7`);
    }
    value = ((value << 5) | digit) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[length++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  if ([1, 3, 6].includes(compact.length % 8)) {
    out.fill(0);
    throw new CliFailure(`invalid base32: ${compact.length} characters is not a possible length`);
  }
  return out;
}
