import { createHash } from 'node:crypto';
import type { RandomSource } from '../util/random.js';

/**
 * 32 random bytes, base64url: `state` (oauth4webapi's generator), binding cookie values,
 * exchange codes and S256 PKCE challenges all look like this.
 */
export const SECRET_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export const newSecret = (random: RandomSource): string => random.token(32);

/** SHA-256 suffices for 256-bit random values (there is no dictionary to attack). */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('base64url');

/** RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier))). */
export const s256 = sha256;

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
export const CODE_VERIFIER_FORMAT = /^[A-Za-z0-9._~-]{43,128}$/;
