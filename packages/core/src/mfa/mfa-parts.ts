import type { SecretBox } from '../crypto/secret-box.js';
import type { StateStore } from '../state/types.js';
import type { FactorRepository } from './factor-repository.js';
import type { MfaChallenges } from './mfa-challenges.js';

/** What the second-factor flows need besides the common engine parts. */
export interface MfaParts {
  factors: FactorRepository;
  challenges: MfaChallenges;
  /** Seals TOTP secrets (AES-256-GCM under a key derived from the master secret). */
  totpBox: SecretBox;
  store: StateStore;
}
