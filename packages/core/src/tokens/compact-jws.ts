/**
 * Compact JWS verification (RFC 7515 §5.2, with RFC 8725's advice) as two named steps:
 *
 *   decodeCompactJws   size → three canonical segments → header object → no
 *                      header-supplied keys → alg is one of ours
 *   checkJwsSignature  kid → key → key's own alg equals the header's → signature
 *
 * The access-token verifier runs both (with its `typ` check between them); the
 * Wycheproof tests run exactly these two on their vectors. Expected failures are
 * returned as a reason string, never thrown.
 */
import type { KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from '../keys/types.js';
import { decodeJsonSegment, isCanonicalBase64url, isJsonObject } from './base64url.js';
import { isSigningAlgorithm, keyFitsAlgorithm, verifyJwsSignature } from './jws-algorithms.js';

/** Refused before any parsing; our own tokens are well under 2 KiB. */
export const MAX_TOKEN_LENGTH = 8 * 1024;
/** Our kids are 43-character thumbprints; anything much longer is not ours. */
export const MAX_KID_LENGTH = 128;

/**
 * Header parameters that carry or point to a key or demand extensions. We verify only
 * with keys we hold, so a token bringing its own key (or a URL to fetch one) is an
 * attack or a mistake; `crit` names extensions we do not implement (RFC 7515 §4.1.11).
 */
const REFUSED_HEADER_PARAMETERS = ['jwk', 'jku', 'x5u', 'x5c', 'crit'] as const;

export type JwsRejection =
  'malformed' | 'too_large' | 'unsupported_algorithm' | 'unknown_key' | 'bad_signature';

/** A key that may verify; a Keyring's SigningKey is one. */
export interface JwsVerificationKey {
  /** The only algorithm this key verifies. */
  alg: SigningAlgorithm;
  verifyKey: KeyObject;
}

/** Where verification keys come from: a lookup by `kid` and nothing else (Keyring fits). */
export interface JwsKeyResolver {
  find(kid: string): JwsVerificationKey | undefined;
}

export interface DecodedJws {
  /** The protected header as parsed (a plain JSON object). */
  header: Readonly<Record<string, unknown>>;
  alg: SigningAlgorithm;
  /** Undefined when the header has none (then no key can match). */
  kid: string | undefined;
  /** The ASCII bytes the signature covers: `header.payload` exactly as received. */
  signingInput: Buffer;
  /** Still encoded: decode it only once the signature holds. */
  payloadSegment: string;
  signature: Buffer;
}

/** Step 1: structure and header, no key and no cryptography yet. */
export function decodeCompactJws(token: unknown): DecodedJws | JwsRejection {
  if (typeof token !== 'string') return 'malformed';
  if (token.length > MAX_TOKEN_LENGTH) return 'too_large';
  const firstDot = token.indexOf('.');
  const secondDot = firstDot < 1 ? -1 : token.indexOf('.', firstDot + 1);
  // Exactly three segments: a JWE (five) or a JWS JSON serialization is not an access token.
  if (secondDot < 0 || token.indexOf('.', secondDot + 1) !== -1) return 'malformed';
  const headerSegment = token.slice(0, firstDot);
  const payloadSegment = token.slice(firstDot + 1, secondDot);
  const signatureSegment = token.slice(secondDot + 1);
  if (!isCanonicalSegments(headerSegment, payloadSegment, signatureSegment)) return 'malformed';

  const header = decodeJsonSegment(headerSegment);
  if (!isJsonObject(header)) return 'malformed';
  if (REFUSED_HEADER_PARAMETERS.some((name) => Object.hasOwn(header, name))) return 'malformed';
  const { alg, kid } = header;
  if (typeof alg !== 'string') return 'malformed';
  if (!isSigningAlgorithm(alg)) return 'unsupported_algorithm'; // `none` in every casing ends here
  if (kid !== undefined && typeof kid !== 'string') return 'malformed';
  return {
    header,
    alg,
    kid,
    // The token is ASCII by now, so latin1 is a byte-for-byte copy.
    signingInput: Buffer.from(token.slice(0, secondDot), 'latin1'),
    payloadSegment,
    signature: Buffer.from(signatureSegment, 'base64url'),
  };
}

function isCanonicalSegments(header: string, payload: string, signature: string): boolean {
  // An empty payload is a valid JWS (RFC 7515 allows it); an empty header is not.
  return (
    header.length > 0 &&
    isCanonicalBase64url(header) &&
    isCanonicalBase64url(payload) &&
    isCanonicalBase64url(signature)
  );
}

/**
 * Step 2: the key named by `kid`, pinned to its algorithm, and the signature. Null when
 * the signature holds. The header's `alg` only ever selects among the key's own
 * algorithm: an HS256 header naming an Ed25519 key (the classic confusion, with the
 * public key as HMAC secret) is refused here, before any HMAC is computed.
 */
export function checkJwsSignature(jws: DecodedJws, keys: JwsKeyResolver): JwsRejection | null {
  const { kid, alg } = jws;
  // The kid is only a map key: never a path, a query or a URL.
  if (kid === undefined || kid.length === 0 || kid.length > MAX_KID_LENGTH) return 'unknown_key';
  const key = keys.find(kid);
  if (!key) return 'unknown_key';
  if (key.alg !== alg) return 'unsupported_algorithm';
  if (!keyFitsAlgorithm(alg, key.verifyKey)) return 'unknown_key';
  return verifyJwsSignature(alg, key.verifyKey, jws.signingInput, jws.signature) ? null : 'bad_signature';
}
