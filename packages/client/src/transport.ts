import type { ClientClock } from './clock.js';
import { GatehouseError, errorFromAnswer, invalidResponse, networkError, timeoutError } from './errors.js';

/** The slice of `fetch` the client uses (the platform's, or a wrapper: a cookie jar, a proxy). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface TransportConfig {
  /** The API's base URL, ending in /api/v1. */
  apiBase: string;
  fetch: FetchLike;
  clock: ClientClock;
  timeoutMs: number;
  /** Cookie mode: send and accept cookies, also across origins (CORS with credentials). */
  withCookies: boolean;
  /** Sent on every request (x-tenant-id). */
  headers: Record<string, string>;
}

export interface HttpRequest {
  method: string;
  /** Below /api/v1, starting with a slash: `/auth/me`. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HttpAnswer<T> {
  status: number;
  data: T;
  headers: Headers;
}

/**
 * One HTTP exchange: JSON in and out, a deadline over the whole exchange (answer and body),
 * and every failure as a GatehouseError — the server's problem document, or status 0 for a
 * network error or a timeout.
 */
export class Transport {
  constructor(private readonly config: TransportConfig) {}

  async send<T>(request: HttpRequest): Promise<HttpAnswer<T>> {
    const { clock, timeoutMs } = this.config;
    const controller = new AbortController();
    const timer = clock.setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await this.exchange(request, controller.signal);
      const data = await readBody(response);
      if (!response.ok) throw errorFromAnswer(response.status, data, response.headers);
      return { status: response.status, data: data as T, headers: response.headers };
    } catch (error) {
      if (controller.signal.aborted) throw timeoutError(timeoutMs);
      // The connection broke while the body was arriving.
      throw error instanceof GatehouseError ? error : networkError(error);
    } finally {
      clock.clearTimeout(timer);
    }
  }

  private async exchange(request: HttpRequest, signal: AbortSignal): Promise<Response> {
    const { apiBase, fetch, withCookies, headers } = this.config;
    const hasBody = request.body !== undefined;
    const init: RequestInit = {
      method: request.method,
      headers: {
        accept: 'application/json',
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
        ...headers,
        ...request.headers,
      },
      ...(hasBody ? { body: JSON.stringify(request.body) } : {}),
      ...(withCookies ? { credentials: 'include' as const } : {}),
      signal,
    };
    return fetch(`${apiBase}${request.path}`, init);
  }
}

/** The body as JSON; undefined when there is none (204). */
async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    if (!response.ok) return text; // an error page: errorFromAnswer says it was not ours
    throw invalidResponse(response.status, 'The answer is not JSON');
  }
}
