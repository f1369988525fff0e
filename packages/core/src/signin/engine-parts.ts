import type { UserRepository } from '../accounts/user-repository.js';
import type { AuditEmitter } from '../sessions/types.js';
import type { GatehouseConfig } from '../config/index.js';
import type { Deliverer } from '../delivery/deliverer.js';
import type { JobQueue } from '../jobs/types.js';
import type { RequestLimits } from '../lifecycle/request-limits.js';
import type { FixedWindowLimiter } from '../limits/fixed-window.js';
import type { LoginThrottle } from '../limits/login-throttle.js';
import type { OneTimeSecrets } from '../one-time/one-time-secrets.js';
import type { PendingSignups } from './pending-signups.js';
import type { MfaParts } from '../mfa/mfa-parts.js';
import type { UserRow } from '../accounts/user-repository.js';
import type { BreachChecker, PasswordHasher } from '../password/index.js';
import type { CreateSessionResult, RotateRefreshResult, Session } from '../sessions/types.js';
import type { StepUpInput } from '../sessions/step-up-session.js';
import type { CreateSessionInput } from '../sessions/create-session.js';
import type { RevokeUserSessionsOptions } from '../sessions/revoke-sessions.js';
import type { AccessTokenIssuer } from '../tokens/access-token-issuer.js';
import type { Clock } from '../util/clock.js';
import type { PasskeyParts } from '../webauthn/passkey-parts.js';
import type { OAuthParts } from '../oauth/oauth-parts.js';

/** What the sign-in and account-lifecycle flows use; `AuthEngine` wires the real parts. */
export interface AuthEngineParts {
  config: GatehouseConfig;
  clock: Clock;
  audit: AuditEmitter;
  users: UserRepository;
  hasher: PasswordHasher;
  breachChecker?: BreachChecker | undefined;
  throttle: LoginThrottle;
  registerLimiter: FixedWindowLimiter;
  issuer: AccessTokenIssuer;
  sessions: {
    createSession(input: CreateSessionInput): Promise<CreateSessionResult>;
    revokeUserSessions(tenant: string, userId: string, options?: RevokeUserSessionsOptions): Promise<number>;
    stepUpSession(input: StepUpInput): Promise<RotateRefreshResult>;
    /** The live session (null once logged out, revoked or expired). */
    getSession(tenant: string, userId: string, sessionId: string): Promise<Session | null>;
  };
  /** Durable background work: every mail is sent from a job. */
  jobs: JobQueue;
  /** Verification and reset links and codes. */
  secrets: OneTimeSecrets;
  /** Sign-ups waiting for their address to be verified (the passwords chosen at them). */
  signups: PendingSignups;
  limits: RequestLimits;
  /** Renders and sends messages (inside jobs). */
  deliver: Deliverer;
  /** Second factors: enrolled credentials, login challenges, sealed TOTP secrets. */
  mfa: MfaParts;
  /** SMS codes as a second factor, when an SMS transport is configured. */
  smsCodes?: { check(user: UserRow, code: string): Promise<boolean> } | undefined;
  /** Passkeys (WebAuthn): stored credentials, ceremony challenges, the decoy key. */
  passkeys?: PasskeyParts | undefined;
  /** OAuth / OpenID Connect: providers, login attempts, exchange codes, linked identities. */
  oauth?: OAuthParts | undefined;
}
