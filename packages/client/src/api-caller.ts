import { invalidResponse, isGatehouseError } from './errors.js';
import type { HttpAnswer, Transport } from './transport.js';
import { MUTATING_METHODS } from './types.js';

export interface ApiCall {
  body?: unknown;
  /** Sent as `authorization: Bearer`. */
  accessToken?: string;
}

/**
 * Calls to the API, with cookie mode's CSRF duty done on the way (docs/browser-sessions.md):
 * a token from GET /auth/csrf before the first mutating request, the fresh token a sign-in
 * answer carries in `x-csrf-token` kept, and on 403 `csrf_failed` one new token and one retry
 * (the token is bound to the session, so another tab's sign-in makes ours stale).
 */
export class ApiCaller {
  private csrfToken: string | undefined;
  private csrfPending: Promise<string> | null = null;

  constructor(
    private readonly transport: Transport,
    private readonly cookieMode: boolean,
  ) {}

  async call<T>(method: string, path: string, call: ApiCall = {}): Promise<HttpAnswer<T>> {
    const withCsrf = this.cookieMode && MUTATING_METHODS.has(method);
    const sent = withCsrf ? await this.currentCsrfToken() : undefined;
    try {
      return await this.attempt<T>(method, path, call, sent);
    } catch (error) {
      if (!withCsrf || !isGatehouseError(error, 'csrf_failed')) throw error;
      return this.attempt<T>(method, path, call, await this.renewCsrfToken(sent));
    }
  }

  private async attempt<T>(method: string, path: string, call: ApiCall, csrf: string | undefined) {
    const headers: Record<string, string> = {};
    if (call.accessToken) headers.authorization = `Bearer ${call.accessToken}`;
    if (csrf) headers['x-csrf-token'] = csrf;
    const answer = await this.transport.send<T>({ method, path, body: call.body, headers });
    const fresh = answer.headers.get('x-csrf-token');
    if (this.cookieMode && fresh) this.csrfToken = fresh;
    return answer;
  }

  private currentCsrfToken(): Promise<string> {
    return this.csrfToken === undefined ? this.renewCsrfToken(undefined) : Promise.resolve(this.csrfToken);
  }

  /** One GET /auth/csrf for every caller that found `stale` wanting (single flight). */
  private renewCsrfToken(stale: string | undefined): Promise<string> {
    if (this.csrfToken !== stale) return Promise.resolve(this.csrfToken!);
    this.csrfPending ??= this.transport
      .send<{ csrfToken?: unknown } | undefined>({ method: 'GET', path: '/auth/csrf' })
      .then(({ status, data }) => {
        if (typeof data?.csrfToken !== 'string') throw invalidResponse(status, 'No csrfToken in the answer');
        return (this.csrfToken = data.csrfToken);
      })
      .finally(() => (this.csrfPending = null));
    return this.csrfPending;
  }
}
