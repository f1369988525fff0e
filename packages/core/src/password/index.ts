/**
 * Passwords: NFKC normalisation, Argon2id hashing off the event loop, the
 * registration/change/reset policy (length, identifier, common list, HIBP).
 */
export { normalizePassword, passwordLength, countCodePoints } from './normalize.js';
export {
  PasswordHasher,
  PasswordTooLongError,
  type Argon2Params,
  type PasswordHasherLimits,
  type VerifyResult,
} from './hasher.js';
export { isCommonPassword, commonPasswordCount } from './common-passwords.js';
export {
  createBreachChecker,
  rangeContains,
  type BreachChecker,
  type BreachCheckerOptions,
  type BreachCheckResult,
} from './breach-check.js';
export {
  checkPasswordPolicy,
  type PasswordPolicyOptions,
  type PasswordPolicyReason,
  type PasswordPolicyResult,
} from './policy.js';
