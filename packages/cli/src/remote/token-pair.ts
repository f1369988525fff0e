import { CliFailure } from '../secure-files/errors.js';
import type { SessionHeader, StoredSession } from './sealed-session.js';

/** API.md's TokenPair, as far as the CLI uses it. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  sessionId: string;
  user: { id: string; email: string };
}

/** `{ mfaRequired: true, challengeId, methods }`: no session exists until a factor is verified. */
export interface MfaChallenge {
  challengeId: string;
  methods: string[];
}

/** The answer to a sign-in step: tokens, or a second-factor challenge. */
export function parseSignIn(server: string, body: unknown): TokenPair | MfaChallenge {
  const challenge = body as Partial<{ mfaRequired: unknown; challengeId: unknown; methods: unknown }>;
  if (challenge?.mfaRequired === true) {
    const { challengeId, methods } = challenge;
    if (
      typeof challengeId === 'string' &&
      Array.isArray(methods) &&
      methods.every((m) => typeof m === 'string')
    )
      return { challengeId, methods: methods as string[] };
    throw unexpected(server);
  }
  return parseTokenPair(server, body);
}

export function parseTokenPair(server: string, body: unknown): TokenPair {
  const pair = body as Partial<Record<keyof TokenPair, unknown>> | undefined;
  const user = pair?.user as Partial<TokenPair['user']> | undefined;
  if (typeof pair?.accessToken === 'string' && pair.refreshToken === undefined) {
    throw new CliFailure(
      `${server} keeps refresh tokens in browser cookies (cookie mode); the CLI needs them in the answer`,
    );
  }
  const valid =
    typeof pair?.accessToken === 'string' &&
    typeof pair.refreshToken === 'string' &&
    typeof pair.expiresIn === 'number' &&
    pair.expiresIn > 0 &&
    typeof pair.sessionId === 'string' &&
    typeof user?.id === 'string' &&
    typeof user.email === 'string';
  if (!valid) throw unexpected(server);
  return pair as TokenPair;
}

/**
 * The session to store from a fresh TokenPair. The access token's expiry is counted on this
 * machine's clock from `expiresIn`, so a server whose clock is off does not matter.
 */
export function sessionFromPair(
  server: string,
  pair: TokenPair,
  now: number,
  signedInAt = now,
): StoredSession {
  const at = Math.floor(now);
  const header: SessionHeader = {
    server,
    email: pair.user.email,
    userId: pair.user.id,
    sessionId: pair.sessionId,
    signedInAt: Math.floor(signedInAt),
    lastUsed: at,
  };
  const lifetime = pair.expiresIn * 1000;
  return {
    header,
    tokens: {
      refreshToken: pair.refreshToken,
      accessToken: pair.accessToken,
      accessExpiresAt: at + lifetime,
      accessLifetimeMs: lifetime,
    },
  };
}

function unexpected(server: string): CliFailure {
  return new CliFailure(
    `${server} does not look like a Gatehouse server (unexpected answer); check --server`,
  );
}
