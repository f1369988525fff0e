/**
 * Sign-in: first factors (password, sign-up), the second-factor challenge, step-up, and the
 * shared ending every sign-in goes through (`completeSignIn`). Other capabilities use what is
 * exported here, never a file of this folder directly.
 */
export type { SignInParts, PasskeyFactorCheck } from './sign-in-parts.js';
export { completeSignIn, issueSession, refuseAccount } from './complete-sign-in.js';
export { checkCurrentPassword } from './current-password.js';
export { finishStepUp, renewSession, type StepUpRequest } from './step-up.js';
export { VERIFICATION_JOB, verificationJobs, type VerificationMailParts } from './verification-job.js';
export type { MfaVerifyInput } from './verify-mfa.js';
export type { PasswordLoginInput } from './login-with-password.js';
export type { RegisterInput, RegisterResult } from './register.js';
