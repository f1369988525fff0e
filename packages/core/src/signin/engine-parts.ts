import type { PublicUser } from '../accounts/public-user.js';
import type { UserRepository } from '../accounts/user-repository.js';
import type { AuditEmitter } from '../sessions/types.js';
import type { GatehouseConfig } from '../config/index.js';
import type { FixedWindowLimiter } from '../limits/fixed-window.js';
import type { LoginThrottle } from '../limits/login-throttle.js';
import type { BreachChecker, PasswordHasher } from '../password/index.js';
import type { CreateSessionResult } from '../sessions/types.js';
import type { AccessTokenIssuer } from '../tokens/access-token-issuer.js';
import type { SessionVersions } from '../sessions/types.js';
import type { RequestContext } from '../context/request-context.js';
import type { AuthMethod } from '../tokens/claims.js';
import type { Clock } from '../util/clock.js';

/** What the sign-in flows use; `createAuthEngine` wires the real parts. */
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
    createSession(input: {
      ctx: RequestContext;
      userId: string;
      authTime: number;
      amr: AuthMethod[];
      versions: SessionVersions;
      roles: string[];
      user?: PublicUser;
    }): Promise<CreateSessionResult>;
  };
}
