/**
 * The four JWS algorithms Gatehouse signs with, on node:crypto directly: signing and
 * verifying access tokens is the hot path, and these are single native calls (jose's
 * async API would add a promise and a key import per token). jose still owns JWKS and
 * key import/export (keys/), and the tests check interop against it both ways.
 */
import { constants, createHmac, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../keys/types.js';

/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output. */
const HS256_MIN_KEY_BYTES = 32;
/** Ed25519 signatures and ES256 in IEEE P1363 form (r ‖ s) are exactly 64 bytes; HMAC-SHA-256 is 32. */
const FIXED_SIGNATURE_BYTES: Readonly<Record<SigningAlgorithm, number | undefined>> = {
  EdDSA: 64,
  ES256: 64,
  RS256: undefined, // the modulus length; node:crypto checks it
  HS256: 32,
};

/** Case-sensitive (RFC 7515 §4.1.1), so `none`, `NONE` and `nOnE` are all simply unknown. */
export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return typeof value === 'string' && (SIGNING_ALGORITHMS as readonly string[]).includes(value);
}

/**
 * Whether `key` is the kind of key `alg` needs. Each stored key is pinned to one
 * algorithm already; this guards against a key store handing over a mismatched
 * KeyObject (node:crypto would otherwise pick the scheme from the key, not from `alg`).
 */
export function keyFitsAlgorithm(alg: SigningAlgorithm, key: KeyObject): boolean {
  switch (alg) {
    case 'EdDSA':
      return key.type === 'public' && key.asymmetricKeyType === 'ed25519';
    case 'ES256':
      return (
        key.type === 'public' &&
        key.asymmetricKeyType === 'ec' &&
        key.asymmetricKeyDetails?.namedCurve === 'prime256v1'
      );
    case 'RS256':
      return key.type === 'public' && key.asymmetricKeyType === 'rsa';
    case 'HS256':
      return key.type === 'secret' && (key.symmetricKeySize ?? 0) >= HS256_MIN_KEY_BYTES;
  }
}

/** The JWS signature of `input` (ASCII `header.payload`) under `alg`. */
export function signJws(alg: SigningAlgorithm, privateKey: KeyObject, input: Buffer): Buffer {
  switch (alg) {
    case 'EdDSA':
      return sign(null, input, privateKey); // Ed25519 hashes internally: no digest name
    case 'ES256':
      // JWS wants r ‖ s (RFC 7518 §3.4), not the DER node:crypto produces by default.
      return sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    case 'RS256':
      return sign('sha256', input, { key: privateKey, padding: constants.RSA_PKCS1_PADDING });
    case 'HS256':
      return createHmac('sha256', privateKey).update(input).digest();
  }
}

/**
 * Whether `signature` is a valid `alg` signature of `input` under `key` (which must fit
 * `alg`: see keyFitsAlgorithm). Never throws: a malformed signature is just invalid.
 */
export function verifyJwsSignature(
  alg: SigningAlgorithm,
  key: KeyObject,
  input: Buffer,
  signature: Buffer,
): boolean {
  const expectedLength = FIXED_SIGNATURE_BYTES[alg];
  if (expectedLength !== undefined && signature.length !== expectedLength) return false;
  try {
    switch (alg) {
      case 'EdDSA':
        return verify(null, input, key, signature);
      case 'ES256':
        // P1363 only: a DER signature is a different encoding, not an alternative spelling.
        return verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature);
      case 'RS256':
        return verify('sha256', input, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
      case 'HS256':
        // Constant time: a byte-by-byte compare would leak how much of a forged MAC is right.
        return timingSafeEqual(createHmac('sha256', key).update(input).digest(), signature);
    }
  } catch {
    return false;
  }
}
