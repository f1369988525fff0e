/**
 * Second factors: TOTP, backup codes, SMS codes, the login challenges and the admin reset.
 * Other capabilities use what is exported here, never a file of this folder directly.
 */
export { FactorRepository, type FactorMethod, type TotpCredential } from './factor-repository.js';
export { MfaChallenges, type MfaChallenge } from './mfa-challenges.js';
export { totpCode, matchTotpStep, base32Of, totpUri, type TotpSettings } from './totp.js';
export type { TotpSetup } from './manage-factors.js';
export type { FactorProof } from './verify-factor.js';
export type { MfaParts, MfaFlowParts, FactorCheckParts } from './mfa-parts.js';
export { factorsChanged, resetFactors } from './manage-factors.js';
export { verifySecondFactor } from './verify-factor.js';
export { failureBudgetSpent } from './failure-budget.js';
export type { ChallengeMethod } from './mfa-challenges.js';
export { queueLoginCode } from './sms/queue-sms-code.js';
export { smsFactorOf, smsUnavailable } from './sms/sms-access.js';
