import type { MfaFlowParts } from '../mfa/index.js';
import type { SignInParts } from '../signin/index.js';
import type { CeremonyChallenges } from './ceremony-challenges.js';
import type { PasskeyRepository } from './passkey-repository.js';

/** The passkey stores: stored credentials, ceremony challenges, the decoy key. */
export interface PasskeyParts {
  repository: PasskeyRepository;
  ceremonies: CeremonyChallenges;
  /** HMAC key (derived from the master secret) for the decoy credentials of unknown emails. */
  decoyKey: Buffer;
}

/** What the passkey flows use: sign-in's parts, the factor notices, and the passkey stores. */
export type PasskeyFlowParts = SignInParts & MfaFlowParts & { passkeys: PasskeyParts };
