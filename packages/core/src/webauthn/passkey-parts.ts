import { AuthError } from '../errors/auth-error.js';
import type { AuthEngineParts } from '../signin/engine-parts.js';
import type { CeremonyChallenges } from './ceremony-challenges.js';
import type { PasskeyRepository } from './passkey-repository.js';

/** What the passkey flows need besides the common engine parts. */
export interface PasskeyParts {
  repository: PasskeyRepository;
  ceremonies: CeremonyChallenges;
  /** HMAC key (derived from the master secret) for the decoy credentials of unknown emails. */
  decoyKey: Buffer;
}

/** The engine always wires passkeys; parts assembled elsewhere (embedders) may lack them. */
export function passkeysOf(parts: AuthEngineParts): PasskeyParts {
  if (!parts.passkeys) throw new AuthError('internal_error', 'Passkeys are not wired into the engine parts');
  return parts.passkeys;
}
