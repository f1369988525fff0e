import type { AuthErrorCode } from './api-types.js';

/**
 * Codes the client raises itself. `network_error` and `timeout` have status 0 (no HTTP answer
 * came back); the others keep the status of the answer they describe.
 */
export type ClientErrorCode =
  'network_error' | 'timeout' | 'invalid_response' | 'http_error' | 'not_signed_in';

/** The server's stable codes (API.md), the client's own, and codes a newer server may add. */
export type GatehouseErrorCode = AuthErrorCode | ClientErrorCode | (string & {});

/** An RFC 9457 problem document as Gatehouse sends it (API.md "Conventions"). */
export interface ProblemDocument {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  requestId?: string;
  detail?: string;
  /** `weak_password`: too_short, common, ... */
  reason?: string;
  /** `validation_error`: which field, and what is wrong with it. */
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

export interface GatehouseErrorDetails {
  requestId?: string;
  problem?: ProblemDocument;
  /** The `retry-after` header of a 429, in seconds. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** Every failure the client reports: a problem document from the server, or its own. */
export class GatehouseError extends Error {
  override readonly name = 'GatehouseError';
  readonly requestId: string | undefined;
  readonly problem: ProblemDocument | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly status: number,
    readonly code: GatehouseErrorCode,
    readonly detail: string,
    details: GatehouseErrorDetails = {},
  ) {
    super(`${code}: ${detail}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.requestId = details.requestId;
    this.problem = details.problem;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

export function isGatehouseError(error: unknown, code?: GatehouseErrorCode): error is GatehouseError {
  return error instanceof GatehouseError && (code === undefined || error.code === code);
}

/** A non-2xx answer as a typed error: its problem document when it sent one. */
export function errorFromAnswer(status: number, body: unknown, headers: Headers): GatehouseError {
  const requestId = headers.get('x-request-id') ?? undefined;
  const retryAfter = Number(headers.get('retry-after'));
  const extra = Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {};
  if (isProblem(body)) {
    const detail = body.detail ?? body.title ?? `HTTP ${status}`;
    return new GatehouseError(status, body.code, detail, {
      requestId: body.requestId ?? requestId,
      problem: body,
      ...extra,
    });
  }
  // Not from Gatehouse itself (a proxy's error page, say).
  return new GatehouseError(status, 'http_error', `HTTP ${status} without a problem document`, {
    ...(requestId ? { requestId } : {}),
    ...extra,
  });
}

function isProblem(body: unknown): body is ProblemDocument & { code: string } {
  return typeof body === 'object' && body !== null && typeof (body as ProblemDocument).code === 'string';
}

export const networkError = (cause: unknown) =>
  new GatehouseError(0, 'network_error', 'The server could not be reached', { cause });

export const timeoutError = (ms: number) => new GatehouseError(0, 'timeout', `No answer within ${ms} ms`);

export const notSignedIn = () => new GatehouseError(401, 'not_signed_in', 'There is no session to use');

export const invalidResponse = (status: number, why: string) =>
  new GatehouseError(status, 'invalid_response', why);
