import type { AuthErrorCode } from '@gatehouse/core';

/**
 * The one table from stable error codes to HTTP statuses and titles. Later
 * features add their codes here; nothing else in the server picks a status.
 */
export type ProblemCode = AuthErrorCode | HttpOnlyCode;

/**
 * Answers only HTTP itself gives (a method the path does not take, a URL or header block
 * too long for the parser, a request too slow to arrive): the engine never raises them.
 */
type HttpOnlyCode =
  'not_found' | 'method_not_allowed' | 'uri_too_long' | 'request_header_too_large' | 'request_timeout';

const PROBLEMS: Record<ProblemCode, { status: number; title: string }> = {
  validation_error: { status: 400, title: 'The request is invalid' },
  unknown_tenant: { status: 400, title: 'The tenant of this request is unknown' },
  weak_password: { status: 400, title: 'The password does not meet the policy' },
  same_password: { status: 400, title: 'The new password must differ from the current one' },
  invalid_or_expired_token: { status: 400, title: 'The link or code is invalid, expired or already used' },
  password_required: {
    status: 400,
    title: 'Enter the password you chose when you signed up, or choose a new one',
  },
  signup_password_mismatch: {
    status: 400,
    title: 'This is not the password chosen when this address signed up; enter it again or choose a new one',
  },
  oauth_failed: { status: 400, title: 'The sign-in with the provider could not be completed' },
  unauthorized: { status: 401, title: 'Authentication required' },
  invalid_token: { status: 401, title: 'The access token is invalid' },
  invalid_credentials: { status: 401, title: 'Invalid email or password' },
  invalid_refresh_token: { status: 401, title: 'The refresh token is invalid' },
  refresh_token_reused: { status: 401, title: 'The refresh token was already used; the session is revoked' },
  device_mismatch: { status: 401, title: 'This session belongs to another device' },
  invalid_code: { status: 401, title: 'The code is invalid, expired or already used' },
  invalid_passkey: { status: 400, title: 'The passkey response could not be verified' },
  // A signed-in caller's wrong secret: 400, never 401 (which clients read as "token dead").
  invalid_current_password: { status: 400, title: 'The current password is wrong' },
  invalid_second_factor: {
    status: 400,
    title: 'The second-factor code or passkey is wrong, expired or already used',
  },
  forbidden: { status: 403, title: 'Not allowed' },
  account_disabled: { status: 403, title: 'The account is disabled' },
  email_unverified: { status: 403, title: 'The email address is not verified' },
  signup_disabled: { status: 403, title: 'Sign-up is not open' },
  step_up_required: { status: 403, title: 'Sign in again (step-up) to make this change' },
  csrf_failed: { status: 403, title: 'Cross-site request refused' },
  mfa_enrollment_required: { status: 403, title: 'Enrol a second factor to use this' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'This path does not take this method; see the allow header' },
  request_timeout: { status: 408, title: 'The request took too long to arrive' },
  conflict: { status: 409, title: 'Conflict' },
  email_taken: { status: 409, title: 'An account with this email exists' },
  refresh_conflict: { status: 409, title: 'The refresh token was just rotated by a concurrent request' },
  last_sign_in_method: { status: 409, title: 'This is the last way to sign in to the account' },
  rotation_too_soon: {
    status: 409,
    title: 'The next signing key is too new: not every instance has loaded it yet; retry later',
  },
  account_exists_link_required: {
    status: 409,
    title: 'An account with this email exists; sign in to it and link the provider',
  },
  account_locked: { status: 423, title: 'The account is locked' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'The content type is not supported; send application/json' },
  uri_too_long: { status: 414, title: 'A path segment is too long' },
  request_header_too_large: { status: 431, title: 'The request headers are too large' },
  rate_limited: { status: 429, title: 'Too many requests' },
  unavailable: { status: 503, title: 'A required service is unavailable' },
  database_locked: { status: 503, title: 'A required service is unavailable' },
  config_invalid: { status: 500, title: 'Internal server error' },
  internal_error: { status: 500, title: 'Internal server error' },
};

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  code: string;
  requestId: string;
  detail?: string;
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export function statusOf(code: ProblemCode): number {
  return PROBLEMS[code].status;
}

export function problem(
  code: ProblemCode,
  requestId: string,
  extra: Omit<Partial<ProblemDocument>, 'code' | 'status' | 'requestId'> = {},
): ProblemDocument {
  const { status, title } = PROBLEMS[code];
  return { type: `https://gatehouse.dev/errors/${code}`, title, status, code, requestId, ...extra };
}
