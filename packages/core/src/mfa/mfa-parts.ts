import type { UserRepository, UserRow } from '../accounts/user-repository.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Deliverer } from '../delivery/deliverer.js';
import type { JobQueue } from '../jobs/types.js';
import type { CommonParts } from '../kernel/parts.js';
import type { LoginThrottle } from '../limits/login-throttle.js';
import type { RequestLimits } from '../limits/request-limits.js';
import type { PasswordHasher } from '../password/index.js';
import type { SessionPort } from '../sessions/session-port.js';
import type { StateStore } from '../state/types.js';
import type { FactorRepository } from './factor-repository.js';
import type { MfaChallenges } from './mfa-challenges.js';
import type { SmsFactor } from './sms/sms-factor.js';

/** The second-factor stores: enrolled credentials, login challenges, sealed TOTP secrets. */
export interface MfaParts {
  factors: FactorRepository;
  challenges: MfaChallenges;
  /** Seals TOTP secrets (AES-256-GCM under a key derived from the master secret). */
  totpBox: SecretBox;
  store: StateStore;
}

/** What checking a second factor uses (sign-in's challenge, step-up and the reset flows do it too). */
export interface FactorCheckParts extends CommonParts {
  hasher: PasswordHasher;
  mfa: MfaParts;
  smsCodes?: { check(user: UserRow, code: string): Promise<boolean> } | undefined;
}

/** What the second-factor flows (TOTP, backup codes, SMS, the admin reset) use. */
export interface MfaFlowParts extends CommonParts {
  users: UserRepository;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  sessions: SessionPort;
  jobs: JobQueue;
  limits: RequestLimits;
  deliver: Deliverer;
  mfa: MfaParts;
  /** SMS codes, when an SMS transport is configured (else the SMS flows answer 403). */
  smsCodes?: SmsFactor | undefined;
  /** An admin's factor reset also removes passkeys (when the engine wires them). */
  passkeys?: { repository: { removeAll(tenant: string, userId: string): Promise<number> } } | undefined;
}
