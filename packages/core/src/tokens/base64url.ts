/**
 * Strict base64url for JWS segments (RFC 7515 §2): the URL-safe alphabet, no padding,
 * no whitespace or other characters. Node's decoder silently skips what it does not
 * understand, so every segment passes this check first.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE64URL_CHARACTERS = /^[A-Za-z0-9_-]*$/;

/**
 * True when `segment` is the one canonical base64url spelling of some bytes. Besides
 * the alphabet this refuses a length of 1 mod 4 (no whole byte) and non-zero unused
 * bits in the last character: otherwise several strings decode to the same bytes, and
 * a token (or its signature) could be re-spelt without breaking the signature.
 */
export function isCanonicalBase64url(segment: string): boolean {
  if (!BASE64URL_CHARACTERS.test(segment)) return false;
  const tail = segment.length % 4;
  if (tail === 0) return true;
  if (tail === 1) return false;
  const last = ALPHABET.indexOf(segment.charAt(segment.length - 1));
  // 2 trailing characters carry 1 byte (4 spare bits); 3 carry 2 bytes (2 spare bits).
  const spareBits = tail === 2 ? 0b1111 : 0b11;
  return (last & spareBits) === 0;
}

// `fatal`: invalid UTF-8 is an error, not U+FFFD, so two byte strings never parse alike.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The JSON value a (canonical) base64url segment encodes, or undefined when it is not
 * UTF-8 JSON. JSON itself has no `undefined`, so the sentinel is unambiguous.
 */
export function decodeJsonSegment(segment: string): unknown {
  try {
    return JSON.parse(utf8.decode(Buffer.from(segment, 'base64url'))) as unknown;
  } catch {
    return undefined;
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
