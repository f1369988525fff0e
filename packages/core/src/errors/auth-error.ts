/**
 * Every error the engine raises on purpose carries a stable `code`. Only the
 * server maps codes to HTTP statuses (in one table); the engine never knows them.
 * Expected negatives (a bad token, a wrong password) are values, not exceptions;
 * AuthError is for what a caller must stop on.
 */
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

export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A required backend (database, state store) could not answer: callers fail closed. */
export class BackendUnavailableError extends AuthError {
  constructor(
    readonly backend: 'database' | 'stateStore' | 'jobQueue',
    cause?: unknown,
  ) {
    super('unavailable', `The ${backend} is unavailable`, { backend }, { cause });
  }
}

export const isAuthError = (error: unknown): error is AuthError => error instanceof AuthError;
