export type { AccessTokenClaims, AccessTokenSubject, AuthMethod } from './claims.js';
export {
  decodeRefreshToken,
  encodeRefreshToken,
  hashRefreshSecret,
  newRefreshSecret,
  refreshSecretMatches,
  type RefreshTokenParts,
} from './refresh-token.js';
export type { AccessTokenConfig, TokenRejection, VerifyResult } from './types.js';
export {
  AccessTokenIssuer,
  type AccessTokenIssuerOptions,
  type AccessTokenSigningKeys,
  type IssuedAccessToken,
} from './access-token-issuer.js';
export {
  AccessTokenVerifier,
  isAccessTokenType,
  type AccessTokenVerifierOptions,
} from './access-token-verifier.js';
export { AUTH_METHODS, checkAccessTokenClaims, type ClaimExpectations } from './check-access-token-claims.js';
export {
  checkJwsSignature,
  decodeCompactJws,
  MAX_KID_LENGTH,
  MAX_TOKEN_LENGTH,
  type DecodedJws,
  type JwsKeyResolver,
  type JwsRejection,
  type JwsVerificationKey,
} from './compact-jws.js';
export { isSigningAlgorithm, keyFitsAlgorithm, signJws, verifyJwsSignature } from './jws-algorithms.js';
export { isCanonicalBase64url } from './base64url.js';
