import type { PublicUser } from './public-user.js';
import type { RequestContext } from './request-context.js';
import type { AuthErrorCode } from '../errors/auth-error.js';

/** API.md `TokenPair`. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  sessionId: string;
  user: PublicUser;
}

/** An expected failure: a value the server maps to a problem document. */
export interface Failure {
  ok: false;
  code: AuthErrorCode;
  retryAfterSeconds?: number;
  /** `weak_password` reason (too_short, common, ...). */
  reason?: string;
}

export type Outcome<T> = ({ ok: true } & T) | Failure;

/** API.md: a sign-in that needs a second factor before any session exists. */
export interface MfaRequired {
  mfaRequired: true;
  challengeId: string;
  methods: string[];
}

/** Every first factor ends in tokens, or in a second-factor challenge. */
export type SignInResult = Outcome<{ tokens: TokenPair } | { mfa: MfaRequired }>;

export const fail = (code: AuthErrorCode, extra: Omit<Failure, 'ok' | 'code'> = {}): Failure => ({
  ok: false,
  code,
  ...extra,
});

/** Who asked, for audit events. */
export const origin = (ctx: RequestContext) => ({
  requestId: ctx.requestId,
  ip: ctx.ip,
  userAgent: ctx.userAgent,
});
