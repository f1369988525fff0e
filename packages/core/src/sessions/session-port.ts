import type { CreateSessionInput } from './create-session.js';
import type { RevokeUserSessionsOptions } from './revoke-sessions.js';
import type { StepUpInput } from './step-up-session.js';
import type { CreateSessionResult, RotateRefreshResult, Session } from './types.js';

/** What the sign-in and account flows ask of sessions (a `SessionService` fits). */
export interface SessionPort {
  createSession(input: CreateSessionInput): Promise<CreateSessionResult>;
  revokeUserSessions(tenant: string, userId: string, options?: RevokeUserSessionsOptions): Promise<number>;
  stepUpSession(input: StepUpInput): Promise<RotateRefreshResult>;
  /** The live session (null once logged out, revoked or expired). */
  getSession(tenant: string, userId: string, sessionId: string): Promise<Session | null>;
}
