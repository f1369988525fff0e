import type { KeyObject } from 'node:crypto';

export type SigningAlgorithm = 'EdDSA' | 'ES256' | 'RS256' | 'HS256';
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['EdDSA', 'ES256', 'RS256', 'HS256'];

/** 'next' is published before it signs; 'current' signs; 'retired' still verifies until it expires. */
export type SigningKeyStatus = 'next' | 'current' | 'retired';

export interface PublicJwk {
  kid: string;
  alg: SigningAlgorithm;
  use: 'sig';
  kty: string;
  [member: string]: unknown;
}

export interface SigningKey {
  kid: string;
  /** The only algorithm this key is ever used with. */
  alg: SigningAlgorithm;
  status: SigningKeyStatus;
  privateKey: KeyObject;
  /** For HS256 the shared secret key, which is never published. */
  verifyKey: KeyObject;
  /** Null for HS256 (symmetric keys are never published). */
  publicJwk: PublicJwk | null;
  createdAt: Date;
  expiresAt: Date | null;
}
