export * from './config/index.js';
export * from './errors/auth-error.js';
export * from './util/clock.js';
export * from './util/random.js';
export * from './database/index.js';
export * from './state/index.js';
export * from './keys/index.js';
export { SecretBox } from './crypto/secret-box.js';
export { deriveKey } from './crypto/derive-key.js';
export { resolveMasterSecret, decodeMasterSecret, type MasterSecret } from './crypto/master-secret.js';
export { ensureTenants } from './tenants/ensure-tenants.js';
export { DEFAULT_TENANT } from './kernel/tenant.js';
export { openGatehouse, type Gatehouse, type OpenGatehouseOptions, type Notice } from './engine/gatehouse.js';
export * from './accounts/index.js';
export { toPublicUser } from './accounts/public-user.js';
export { type PublicUser } from './kernel/public-user.js';
export * from './audit/index.js';
export * from './limits/index.js';
export {
  PasswordHasher,
  PasswordTooLongError,
  checkPasswordPolicy,
  createBreachChecker,
  isCommonPassword,
  normalizePassword,
  passwordLength,
  type VerifyResult as PasswordVerifyResult,
  type PasswordPolicyResult,
  type BreachChecker,
} from './password/index.js';
export * from './tokens/index.js';
export * from './remote/index.js';
export * from './sessions/index.js';
export {
  createRequestContext,
  MAX_USER_AGENT_LENGTH,
  type RequestContext,
} from './kernel/request-context.js';
export { TenantDirectory, TENANT_SLUG } from './tenants/tenant-directory.js';
export type { TokenPair, Outcome, Failure } from './kernel/outcome.js';
export type { RegisterInput, RegisterResult } from './signin/register.js';
export type { PasswordLoginInput } from './signin/login-with-password.js';
export { AuthEngine, type AuthEngineOptions } from './engine/auth-engine.js';
export * from './delivery/index.js';
export * from './jobs/index.js';
export * from './access/index.js';
export * from './admin/index.js';
export type { SignInFlows } from './signin/sign-in-flows.js';
export type { MfaFlows } from './mfa/mfa-flows.js';
export type { PasskeyFlows } from './webauthn/passkey-flows.js';
export type { AccountFlows } from './lifecycle/account-flows.js';
export type { MagicLinkFlows } from './passwordless/magic-link-flows.js';
export type { SessionFlows } from './sessions/session-flows.js';
export type { CodeInput } from './lifecycle/submission.js';
export type { ResetPasswordInput } from './lifecycle/password-reset.js';
export type { ChangePasswordInput } from './lifecycle/change-password.js';
export type { SignedIn } from './kernel/signed-in.js';
export type { Profile, ProfileUpdate } from './lifecycle/profile.js';
export { ACCOUNT_JOBS } from './engine/jobs.js';
export type { MagicLinkRequest } from './passwordless/magic-link.js';
export type { EngineLinks } from './kernel/links.js';
export { allowedRedirect, MAX_REDIRECT_LENGTH } from './kernel/redirect-origins.js';
export {
  OneTimeSecrets,
  tenantOfToken,
  type SecretPurpose,
  type SecretSettings,
  type IssuedSecret,
} from './one-time/one-time-secrets.js';
export * from './mfa/index.js';
export { SmsFactor, normalizePhone, maskPhone, type SmsCodePurpose } from './mfa/sms/index.js';
export type { MfaRequired, SignInResult } from './kernel/outcome.js';
export type { MfaVerifyInput } from './signin/verify-mfa.js';
export type { StepUpRequest } from './signin/step-up.js';
export * from './webauthn/index.js';
export * from './oauth/index.js';
