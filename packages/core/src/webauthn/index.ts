export { PasskeyRepository, type PasskeyRow, type CredentialDescriptor } from './passkey-repository.js';
export { CeremonyChallenges, type AssertionChallenge } from './ceremony-challenges.js';
export type { PasskeyParts } from './passkey-parts.js';
export type { AttestationJSON, AssertionJSON } from './relying-party.js';
export type { RegisterPasskeyInput } from './register-passkey.js';
export type { PasskeyView } from './manage-passkeys.js';
export type { PasskeyStepUpInput } from './passkey-step-up.js';
export { decoyCredentials } from './decoy-credentials.js';
export { factorsBesidesPasskeys } from './passkey-sign-in.js';
export type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
