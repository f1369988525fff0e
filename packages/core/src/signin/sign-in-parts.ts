import type { PendingSignups } from '../accounts/pending-signups.js';
import type { UserRepository, UserRow } from '../accounts/user-repository.js';
import type { JobQueue } from '../jobs/types.js';
import type { Outcome } from '../kernel/outcome.js';
import type { CommonParts } from '../kernel/parts.js';
import type { AssertionJSON } from '../kernel/passkey-assertion.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { FixedWindowLimiter } from '../limits/fixed-window.js';
import type { LoginThrottle } from '../limits/login-throttle.js';
import type { RequestLimits } from '../limits/request-limits.js';
import type { MfaParts } from '../mfa/index.js';
import type { BreachChecker, PasswordHasher } from '../password/index.js';
import type { SessionPort } from '../sessions/session-port.js';
import type { AccessTokenIssuer } from '../tokens/access-token-issuer.js';
import type { AuthMethod } from '../tokens/claims.js';

/**
 * Checks a passkey offered as the second factor of a challenge. Passkeys plug in here (the
 * engine wires the WebAuthn capability), so sign-in does not depend on how they work.
 */
export type PasskeyFactorCheck = (
  user: UserRow,
  input: { challengeId: string; credential: AssertionJSON },
  ctx: RequestContext,
) => Promise<Outcome<{ amr: AuthMethod }>>;

/** What the sign-in flows use: accounts, passwords, throttles, sessions and the MFA challenges. */
export interface SignInParts extends CommonParts {
  users: UserRepository;
  hasher: PasswordHasher;
  breachChecker?: BreachChecker | undefined;
  throttle: LoginThrottle;
  registerLimiter: FixedWindowLimiter;
  issuer: AccessTokenIssuer;
  sessions: SessionPort;
  /** Per-address request budgets (a sign-up's verification mail counts against them). */
  limits: RequestLimits;
  /** Durable background work: every mail is sent from a job. */
  jobs: JobQueue;
  /** Sign-ups waiting for their address to be verified (the passwords chosen at them). */
  signups: PendingSignups;
  /** Second factors: enrolled credentials, login challenges, sealed TOTP secrets. */
  mfa: MfaParts;
  /** SMS codes as a second factor, when an SMS transport is configured. */
  smsCodes?: { check(user: UserRow, code: string): Promise<boolean> } | undefined;
  /** Passkeys as a second factor, when the engine wires them. */
  verifyPasskeyFactor?: PasskeyFactorCheck | undefined;
}
