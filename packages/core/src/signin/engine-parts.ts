import type { UserRepository } from '../accounts/user-repository.js';
import type { AuditEmitter } from '../sessions/types.js';
import type { GatehouseConfig } from '../config/index.js';
import type { Deliverer } from '../delivery/deliverer.js';
import type { JobQueue } from '../jobs/types.js';
import type { RequestLimits } from '../lifecycle/request-limits.js';
import type { FixedWindowLimiter } from '../limits/fixed-window.js';
import type { LoginThrottle } from '../limits/login-throttle.js';
import type { OneTimeSecrets } from '../one-time/one-time-secrets.js';
import type { BreachChecker, PasswordHasher } from '../password/index.js';
import type { CreateSessionResult } from '../sessions/types.js';
import type { CreateSessionInput } from '../sessions/create-session.js';
import type { RevokeUserSessionsOptions } from '../sessions/revoke-sessions.js';
import type { AccessTokenIssuer } from '../tokens/access-token-issuer.js';
import type { Clock } from '../util/clock.js';

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
  };
  /** Durable background work: every mail is sent from a job. */
  jobs: JobQueue;
  /** Verification and reset links and codes. */
  secrets: OneTimeSecrets;
  limits: RequestLimits;
  /** Renders and sends messages (inside jobs). */
  deliver: Deliverer;
}
