/**
 * Verifying Gatehouse access tokens in another process (an API server using the fastify or
 * express middleware): keys from the server's JWKS, the server asked in hybrid/strict mode.
 */
export {
  RemoteVerifier,
  type RemoteRejection,
  type RemoteValidationMode,
  type RemoteVerifierOptions,
  type RemoteVerifyResult,
} from './remote-verifier.js';
export { parseJwks, type FetchFunction } from './remote-jwks.js';
export {
  accessProblem,
  accessProblemHeaders,
  authenticateBearer,
  bearerTokenOf,
  roleProblem,
  stepUpProblem,
  type AccessProblem,
  type AccessProblemCode,
  type Authentication,
} from './remote-access.js';
