/**
 * Sessions: creation at the end of sign-in, refresh-token rotation with replay detection,
 * revocation, listing, and access-token validation (jwt / hybrid / strict). All state is in
 * the StateStore; nothing here touches the Database.
 */
export { SessionService, type SessionServiceOptions } from './session-service.js';
export { createSession, type CreateSessionInput } from './create-session.js';
export { rotateRefreshToken } from './rotate-refresh-token.js';
export {
  revokeSession,
  revokeUserSessions,
  type RevokeOptions,
  type RevokeUserSessionsOptions,
} from './revoke-sessions.js';
export { getSession, listSessions, ownsCurrentRefreshToken } from './list-sessions.js';
export {
  createAccessValidator,
  type AccessRejectReason,
  type AccessTokenVerification,
  type AccessTokenVerifierLike,
  type AccessValidation,
  type AccessValidator,
  type AccessValidatorOptions,
  type SessionSource,
  type ValidationMode,
} from './validate-access.js';
export { newSessionId, sessionCreatedAt } from './session-id.js';
export {
  sessionIndex,
  sessionKey,
  type SessionBody,
  type SessionHead,
  type SessionRecord,
} from './session-record.js';
export type * from './types.js';
