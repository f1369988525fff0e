export { FactorRepository, type FactorMethod, type TotpCredential } from './factor-repository.js';
export { MfaChallenges, type MfaChallenge } from './mfa-challenges.js';
export { totpCode, matchTotpStep, base32Of, totpUri, type TotpSettings } from './totp.js';
export type { TotpSetup } from './manage-factors.js';
export type { FactorProof } from './verify-factor.js';
