export { gatehouse, type GatehouseFastify, type GatehouseFastifyOptions } from './plugin.js';
export { gatehouse as default } from './plugin.js';
export {
  RemoteVerifier,
  type AccessProblem,
  type AccessTokenClaims,
  type RemoteValidationMode,
  type RemoteVerifierOptions,
} from '@gatehouse/core';
