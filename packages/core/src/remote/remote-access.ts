/**
 * What the framework middleware (@gatehouse/fastify, @gatehouse/express) decide, without a
 * framework: the bearer of a request, its verified claims, and the refusals as RFC 9457
 * problem documents with the codes the Gatehouse server itself answers (API.md
 * "Conventions"), so an API behind the middleware fails the way Gatehouse does.
 */
import { isRecentSignIn } from '../access/recent-sign-in.js';
import type { AccessTokenClaims } from '../tokens/claims.js';
import type { RemoteVerifier } from './remote-verifier.js';

export type AccessProblemCode =
  'unauthorized' | 'invalid_token' | 'forbidden' | 'step_up_required' | 'unavailable';

export interface AccessProblem {
  type: string;
  title: string;
  status: number;
  code: AccessProblemCode;
  detail: string;
  requestId?: string;
}

const PROBLEMS: Record<AccessProblemCode, { status: number; title: string }> = {
  unauthorized: { status: 401, title: 'Authentication required' },
  invalid_token: { status: 401, title: 'The access token is invalid' },
  forbidden: { status: 403, title: 'Not allowed' },
  step_up_required: { status: 403, title: 'Sign in again (step-up) to make this change' },
  unavailable: { status: 503, title: 'A required service is unavailable' },
};

/** Seconds a client should wait before retrying after 'unavailable' (the JWKS fetch backs off this long). */
const UNAVAILABLE_RETRY_SECONDS = 5;

export function accessProblem(code: AccessProblemCode, detail: string, requestId?: string): AccessProblem {
  const { status, title } = PROBLEMS[code];
  const problem: AccessProblem = {
    type: `https://gatehouse.dev/errors/${code}`,
    title,
    status,
    code,
    detail,
  };
  if (requestId !== undefined) problem.requestId = requestId;
  return problem;
}

/** The headers that go with a problem: its media type, RFC 6750's challenge on 401, retry-after on 503. */
export function accessProblemHeaders(problem: AccessProblem): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/problem+json; charset=utf-8',
    'cache-control': 'no-store',
  };
  if (problem.code === 'unauthorized') headers['www-authenticate'] = 'Bearer';
  if (problem.code === 'invalid_token') headers['www-authenticate'] = 'Bearer error="invalid_token"';
  if (problem.code === 'unavailable') headers['retry-after'] = String(UNAVAILABLE_RETRY_SECONDS);
  return headers;
}

/** The bearer token of an Authorization header, or null (none, another scheme, or empty). */
export function bearerTokenOf(authorization: string | undefined): string | null {
  if (typeof authorization !== 'string') return null;
  const match = /^Bearer +([^\s]+)\s*$/i.exec(authorization);
  return match?.[1] ?? null;
}

export type Authentication = { ok: true; claims: AccessTokenClaims } | { ok: false; problem: AccessProblem };

/** Verifies the request's bearer. The reason a token failed stays out of the answer (as the server's). */
export async function authenticateBearer(
  verifier: RemoteVerifier,
  authorization: string | undefined,
  requestId?: string,
): Promise<Authentication> {
  const token = bearerTokenOf(authorization);
  if (!token) {
    const detail = 'Send an access token as Authorization: Bearer <token>';
    return { ok: false, problem: accessProblem('unauthorized', detail, requestId) };
  }
  const result = await verifier.verify(token);
  if (result.ok) return result;
  if (result.reason === 'unavailable') {
    const detail = 'The access token cannot be checked now (the Gatehouse server is unreachable); retry';
    return { ok: false, problem: accessProblem('unavailable', detail, requestId) };
  }
  const detail = 'The access token is invalid, expired or revoked';
  return { ok: false, problem: accessProblem('invalid_token', detail, requestId) };
}

/** 403 `forbidden` unless the claims hold `role`. */
export function roleProblem(
  claims: AccessTokenClaims,
  role: string,
  requestId?: string,
): AccessProblem | undefined {
  if (claims.roles.includes(role)) return undefined;
  return accessProblem('forbidden', `This needs the ${role} role`, requestId);
}

/** 403 `step_up_required` unless the sign-in (`auth_time`) is at most `maxAgeSeconds` old. */
export function stepUpProblem(
  claims: AccessTokenClaims,
  maxAgeSeconds: number,
  nowMs: number,
  requestId?: string,
): AccessProblem | undefined {
  if (isRecentSignIn(claims.auth_time, nowMs, maxAgeSeconds)) return undefined;
  const detail = `Sign in again: this needs a sign-in within the last ${maxAgeSeconds} seconds`;
  return accessProblem('step_up_required', detail, requestId);
}
