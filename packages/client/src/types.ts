/**
 * The shapes the client exchanges with the server. The API's own types are core's, written
 * out in api-types.ts (checked against core by a test) so the package needs no engine.
 */
import type { MfaRequired, PublicUser, TokenPair } from './api-types.js';

export type { MfaRequired, PublicUser, TokenPair };

/** A TokenPair as it arrives: in cookie mode the refresh token is in a cookie, not the body. */
export type TokenAnswer = Omit<TokenPair, 'refreshToken'> & Partial<Pick<TokenPair, 'refreshToken'>>;

/**
 * What the client keeps of a sign-in: the TokenPair with its relative lifetime turned into an
 * absolute time, so a session read back from storage knows when it expires.
 */
export interface ClientSession extends Pick<TokenPair, 'accessToken' | 'sessionId' | 'user'> {
  /** Absent in cookie mode (the refresh token lives in an HttpOnly cookie). */
  refreshToken?: string;
  /** When the access token expires, in milliseconds since the epoch (client clock). */
  expiresAt: number;
  /** When the tokens arrived (client clock): how long this access token lives in all. */
  receivedAt?: number;
}

/** A first factor's answer: a session, or a second-factor challenge to answer with verifyMfa. */
export type LoginResult = ClientSession | MfaRequired;

export interface Credentials {
  email: string;
  password: string;
}

/** POST /auth/mfa/verify: a code (TOTP, SMS, backup code), or a WebAuthn assertion. */
export type MfaVerification =
  | { challengeId: string; method: string; code: string }
  | { challengeId: string; method: 'webauthn'; credential: unknown };

/**
 * GET /auth/me's `session` (API.md "Sessions"). Not a core type: the server assembles it, so
 * this is the one shape written out here.
 */
export interface SessionView {
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  ip: string;
  userAgent: string;
  amr: string[];
}

export interface MeAnswer {
  user: PublicUser;
  session: SessionView;
}

/** HTTP methods that change state: in cookie mode they carry `x-csrf-token`. */
export const MUTATING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
