import { invalidResponse } from './errors.js';
import type { ClientSession, MfaRequired, TokenAnswer } from './types.js';

/** A token-bearing answer as the session the client keeps (`now`: when it arrived). */
export function sessionFromAnswer(status: number, data: unknown, now: number): ClientSession {
  if (!isTokenAnswer(data)) throw invalidResponse(status, 'The answer is not a TokenPair');
  return {
    accessToken: data.accessToken,
    sessionId: data.sessionId,
    user: data.user,
    expiresAt: now + data.expiresIn * 1000,
    receivedAt: now,
    ...(typeof data.refreshToken === 'string' ? { refreshToken: data.refreshToken } : {}),
  };
}

export function isMfaRequired(data: unknown): data is MfaRequired {
  const candidate = data as Partial<MfaRequired> | null | undefined;
  return candidate?.mfaRequired === true && typeof candidate.challengeId === 'string';
}

function isTokenAnswer(data: unknown): data is TokenAnswer {
  const candidate = data as Partial<TokenAnswer> | null | undefined;
  return (
    typeof candidate?.accessToken === 'string' &&
    typeof candidate.sessionId === 'string' &&
    typeof candidate.expiresIn === 'number' &&
    typeof candidate.user === 'object' &&
    candidate.user !== null
  );
}

/** A value read back from storage or another tab is a session (and not something else). */
export function isClientSession(value: unknown): value is ClientSession {
  const candidate = value as Partial<ClientSession> | null | undefined;
  return (
    typeof candidate?.accessToken === 'string' &&
    typeof candidate.sessionId === 'string' &&
    typeof candidate.expiresAt === 'number' &&
    typeof candidate.user === 'object' &&
    candidate.user !== null &&
    (candidate.refreshToken === undefined || typeof candidate.refreshToken === 'string') &&
    (candidate.receivedAt === undefined || typeof candidate.receivedAt === 'number')
  );
}

/** Cookie mode keeps no refresh token anywhere a script can read it. */
export function withoutRefreshToken(session: ClientSession): ClientSession {
  if (session.refreshToken === undefined) return session;
  const { refreshToken: _dropped, ...rest } = session;
  return rest;
}
