/**
 * The API's shapes as @gatehouse/core defines them, written out here so the published
 * declarations stand alone: an app installs @gatehouse/client without the engine (and its
 * database drivers). test/api-types.test.ts fails type-checking when core's definitions and
 * these differ, so core stays the one source of truth.
 */

/** API.md `user`: what a client may see of an account. */
export interface PublicUser {
  id: string;
  email: string;
  emailVerified: boolean;
  name: string | null;
  status: string;
  roles: string[];
  mfaEnabled: boolean;
  createdAt: string;
}

/** API.md `TokenPair`. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  sessionId: string;
  user: PublicUser;
}

/** API.md: a sign-in that needs a second factor before any session exists. */
export interface MfaRequired {
  mfaRequired: true;
  challengeId: string;
  methods: string[];
}

/** The stable error codes of the API (API.md "Error codes"). */
export type AuthErrorCode =
  | 'validation_error'
  | 'unknown_tenant'
  | 'weak_password'
  | 'same_password'
  | 'invalid_or_expired_token'
  | 'password_required'
  | 'signup_password_mismatch'
  | 'oauth_failed'
  | 'invalid_code'
  | 'invalid_passkey'
  | 'invalid_current_password'
  | 'invalid_second_factor'
  | 'step_up_required'
  | 'csrf_failed'
  | 'mfa_enrollment_required'
  | 'unauthorized'
  | 'invalid_token'
  | 'invalid_credentials'
  | 'invalid_refresh_token'
  | 'refresh_token_reused'
  | 'device_mismatch'
  | 'forbidden'
  | 'account_disabled'
  | 'email_unverified'
  | 'signup_disabled'
  | 'not_found'
  | 'conflict'
  | 'email_taken'
  | 'refresh_conflict'
  | 'last_sign_in_method'
  | 'rotation_too_soon'
  | 'account_exists_link_required'
  | 'account_locked'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  | 'config_invalid'
  | 'database_locked'
  | 'internal_error';
