import type { AuthErrorCode } from '@gatehouse/core';

/**
 * The one table from stable error codes to HTTP statuses and titles. Later
 * features add their codes here; nothing else in the server picks a status.
 */
export type ProblemCode = AuthErrorCode | 'not_found';

const PROBLEMS: Record<ProblemCode, { status: number; title: string }> = {
  validation_error: { status: 400, title: 'The request is invalid' },
  unauthorized: { status: 401, title: 'Authentication required' },
  invalid_token: { status: 401, title: 'The access token is invalid' },
  invalid_credentials: { status: 401, title: 'Invalid email or password' },
  forbidden: { status: 403, title: 'Not allowed' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'The content type is not supported; send application/json' },
  rate_limited: { status: 429, title: 'Too many requests' },
  unavailable: { status: 503, title: 'A required service is unavailable' },
  database_locked: { status: 503, title: 'A required service is unavailable' },
  config_invalid: { status: 500, title: 'Internal server error' },
  internal_error: { status: 500, title: 'Internal server error' },
};

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  code: string;
  requestId: string;
  detail?: string;
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export function statusOf(code: ProblemCode): number {
  return PROBLEMS[code].status;
}

export function problem(
  code: ProblemCode,
  requestId: string,
  extra: Omit<Partial<ProblemDocument>, 'code' | 'status' | 'requestId'> = {},
): ProblemDocument {
  const { status, title } = PROBLEMS[code];
  return { type: `https://gatehouse.dev/errors/${code}`, title, status, code, requestId, ...extra };
}
