import type { AuthErrorCode } from '../errors/auth-error.js';
import type { Failure } from './outcome.js';

/**
 * API.md "Status codes": 401 means "your access token is dead", and every client SDK reacts by
 * refreshing. A signed-in caller whose bearer is fine but who typed a wrong password or code
 * must hear that instead, so the flows of signed-in callers (step-up, password change, factor
 * confirmation and removal, backup-code regeneration, account deletion, a step-up challenge)
 * answer through this one mapping: each 401 of a secret check becomes its 400 twin.
 */
const SIGNED_IN_CODES: Partial<Record<AuthErrorCode, AuthErrorCode>> = {
  invalid_credentials: 'invalid_current_password',
  invalid_code: 'invalid_second_factor',
};

export function forSignedInCaller<T extends { ok: true }>(outcome: T | Failure): T | Failure {
  if (outcome.ok) return outcome;
  const code = SIGNED_IN_CODES[outcome.code];
  return code ? { ...outcome, code } : outcome;
}
