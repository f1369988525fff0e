export { gatehouse, type GatehouseExpressOptions, type GatehouseMiddleware } from './middleware.js';
export {
  RemoteVerifier,
  type AccessProblem,
  type AccessTokenClaims,
  type RemoteValidationMode,
  type RemoteVerifierOptions,
} from '@gatehouse/core';
