import { CliFailure } from '../secure-files/errors.js';
import { describeProblem } from './problems.js';

/** Per request, body included: a hung server or a black-holed route must not hang the CLI. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** Shown in `gatehouse sessions` on every device, so a CLI session is recognisable there. */
const USER_AGENT = `gatehouse-cli (${process.platform}; node ${process.versions.node})`;

export interface RequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** The access token, sent as a bearer. */
  token?: string;
  timeoutMs?: number;
}

export interface Answer {
  status: number;
  /** The parsed JSON body; undefined for 204. */
  body: unknown;
}

/** An RFC 9457 problem document from a Gatehouse server, described for people. */
export class ServerProblem extends CliFailure {
  readonly status: number;
  readonly code: string;

  constructor(message: string, status: number, code: string) {
    super(message);
    this.name = 'ServerProblem';
    this.status = status;
    this.code = code;
  }
}

/**
 * One call to `<server>/api/v1<path>`. Resolves with a 2xx JSON answer; throws a
 * ServerProblem for a Gatehouse error and a one-line CliFailure for anything else (no
 * answer, a TLS failure, an answer that is not Gatehouse's). Redirects are not followed:
 * a redirect would resend the password to wherever it points.
 */
export async function callServer(
  server: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Answer> {
  const { response, text } = await exchange(server, method, path, options);
  const body = parseBody(server, response, text);
  if (response.status >= 400) throw problemFrom(server, response, body);
  if (response.status >= 300) throw notGatehouse(server, response);
  return { status: response.status, body };
}

/** The request and the whole answer under one timeout (a server that stalls mid-body counts too). */
async function exchange(
  server: string,
  method: string,
  path: string,
  options: RequestOptions,
): Promise<{ response: Response; text: string }> {
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  try {
    const response = await fetch(`${server}/api/v1${path}`, {
      method,
      headers: headers(options),
      signal: AbortSignal.timeout(timeoutMs),
      ...payload(options),
    });
    return { response, text: await response.text() };
  } catch (error) {
    throw networkFailure(server, error, timeoutMs);
  }
}

function headers({ body, token }: RequestOptions): Record<string, string> {
  return {
    accept: 'application/json',
    'user-agent': USER_AGENT,
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
  };
}

function payload({ body }: RequestOptions): { body?: string; redirect: 'manual' } {
  return { redirect: 'manual', ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
}

/** JSON (problem documents included), or nothing for 204; anything else is not a Gatehouse answer. */
function parseBody(server: string, response: Response, text: string): unknown {
  if (response.status === 204 || (response.status >= 300 && response.status < 400)) return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (!/^application\/(problem\+)?json\b/i.test(type)) throw notGatehouse(server, response);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw notGatehouse(server, response);
  }
}

function problemFrom(server: string, response: Response, body: unknown): CliFailure {
  const problem = body as { code?: unknown; title?: unknown } | undefined;
  if (typeof problem?.code !== 'string') return notGatehouse(server, response);
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
  const title = typeof problem.title === 'string' ? problem.title : undefined;
  const message = describeProblem(problem.code, response.status, title, retryAfter);
  return new ServerProblem(message, response.status, problem.code);
}

/** A proxy's error page, a redirect, another web server: say what answered instead. */
export function notGatehouse(server: string, response: Response): CliFailure {
  const location = response.headers.get('location');
  if (response.status >= 300 && response.status < 400 && location) {
    return new CliFailure(
      `${server} redirects to ${new URL(location, response.url || server).origin}; use that as --server`,
    );
  }
  const type = response.headers.get('content-type')?.split(';')[0] || 'no content type';
  return new CliFailure(
    `${server} does not look like a Gatehouse server (it answered HTTP ${response.status}, ${type}); check --server`,
  );
}

/** Certificate and handshake failures, by the error codes of Node's TLS layer and OpenSSL. */
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|EPROTO$)|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/;

/** One line for a request that got no answer at all. */
export function networkFailure(server: string, error: unknown, timeoutMs: number): CliFailure {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return new CliFailure(`no answer from ${server} within ${timeoutMs / 1000} s`);
  const cause = rootCause(error);
  const code = cause?.code ?? '';
  if (TLS_CODE.test(code)) return tlsFailure(server, cause, code);
  if (code === 'ECONNREFUSED')
    return new CliFailure(`cannot reach ${server}: connection refused (is the server running?)`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new CliFailure(`cannot reach ${server}: unknown host`);
  const detail = cause?.message || code || (error instanceof Error ? error.message : String(error));
  return new CliFailure(`cannot reach ${server}: ${detail}`);
}

/** OpenSSL's messages carry file names and line numbers: its short `reason` is the readable part. */
function tlsFailure(
  server: string,
  cause: (Error & { reason?: unknown }) | undefined,
  code: string,
): CliFailure {
  const reason = typeof cause?.reason === 'string' ? cause.reason : (cause?.message ?? code);
  const hint = /SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code)
    ? ' (a private CA? point NODE_EXTRA_CA_CERTS at its certificate)'
    : code === 'ERR_SSL_WRONG_VERSION_NUMBER'
      ? ' (is it plain http?)'
      : '';
  return new CliFailure(`TLS error with ${server}: ${reason}${hint}`);
}

/** fetch wraps the socket's error (sometimes twice, or in an AggregateError): the first one with a code. */
function rootCause(error: unknown): (Error & { code?: string }) | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const coded = current as Error & { code?: unknown; errors?: unknown[] };
    if (typeof coded.code === 'string' && !coded.code.startsWith('UND_ERR_SOCKET'))
      return coded as Error & { code: string };
    current = coded.cause ?? coded.errors?.[0];
  }
  return undefined;
}
