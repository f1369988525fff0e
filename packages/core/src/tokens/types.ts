import type { GatehouseConfig } from '../config/index.js';
import type { AccessTokenClaims } from './claims.js';
import type { JwsRejection } from './compact-jws.js';

/** Why an access token was refused. Values, never exceptions (DESIGN.md "Errors"). */
export type TokenRejection =
  | JwsRejection
  | 'wrong_type'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'invalid_claims';

export type VerifyResult = { ok: true; claims: AccessTokenClaims } | { ok: false; reason: TokenRejection };

/** The settings access tokens depend on; a full GatehouseConfig fits. */
export interface AccessTokenConfig {
  tokens: Pick<
    GatehouseConfig['tokens'],
    'accessTokenTtlSeconds' | 'audience' | 'issuer' | 'clockLeewaySeconds'
  >;
  tenancy: Pick<GatehouseConfig['tenancy'], 'multiTenant'>;
}
