/**
 * A scripted Gatehouse behind a fetch double: enough of API.md's auth endpoints to drive the
 * client (login, MFA, refresh rotation with 409 and 401, me, logout, CSRF in cookie mode),
 * with every call recorded. Tests script one-off answers with `answerNext`.
 */
import type { FetchLike } from '../../src/transport.js';

export interface RecordedCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  credentials: RequestInit['credentials'];
}

/** One scripted answer: a Response (now or later), a network failure, or an answer that never comes. */
export type Scripted = Response | Promise<Response> | 'network-error' | 'hang';

export const USER = {
  id: 'user-1',
  email: 'ada@example.com',
  emailVerified: true,
  name: null,
  status: 'active',
  roles: ['user'],
  mfaEnabled: false,
  createdAt: '2026-01-01T00:00:00.000Z',
};

let requestIds = 0;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const requestId = `req-${(requestIds += 1)}`;
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...headers },
  });
}

export function problem(status: number, code: string, extra: Record<string, unknown> = {}): Response {
  const requestId = `req-${(requestIds += 1)}`;
  const body = {
    type: `https://gatehouse.dev/errors/${code}`,
    title: code,
    status,
    code,
    requestId,
    ...extra,
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/problem+json', 'x-request-id': requestId },
  });
}

export interface FakeGatehouseOptions {
  cookieMode?: boolean;
  accessTtlSeconds?: number;
  /** Login answers a second-factor challenge first. */
  mfa?: boolean;
}

export class FakeGatehouse {
  readonly calls: RecordedCall[] = [];
  accessTtlSeconds: number;
  readonly cookieMode: boolean;
  mfa: boolean;
  /** Refresh answers wait for this while set (to line concurrent callers up). */
  refreshGate: Promise<void> | null = null;
  private readonly scripted = new Map<string, Scripted[]>();
  private readonly liveAccess = new Set<string>();
  private readonly rotatedAway = new Set<string>();
  private currentRefresh: string | null = null;
  private csrfToken: string | null = null;
  private serial = 0;

  constructor(options: FakeGatehouseOptions = {}) {
    this.cookieMode = options.cookieMode ?? false;
    this.accessTtlSeconds = options.accessTtlSeconds ?? 900;
    this.mfa = options.mfa ?? false;
  }

  /** The next call to `method path` gets `answer` instead of the fake's own. */
  answerNext(method: string, path: string, ...answers: Scripted[]): void {
    const key = `${method} ${path}`;
    this.scripted.set(key, [...(this.scripted.get(key) ?? []), ...answers]);
  }

  /** Every access token issued so far stops working (they "expired" on the server). */
  expireAccessTokens(): void {
    this.liveAccess.clear();
  }

  /** Rotates the refresh token as another tab or process would, behind the client's back. */
  rotateElsewhere(): { accessToken: string; refreshToken: string } {
    const tokens = this.issue();
    return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
  }

  callsTo(method: string, path: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method && call.path === path);
  }

  readonly fetch: FetchLike = async (url, init) => {
    const call = record(url, init);
    this.calls.push(call);
    const queued = this.scripted.get(`${call.method} ${call.path}`)?.shift();
    if (queued === 'network-error') throw new TypeError('fetch failed');
    if (queued === 'hang') return hang(init.signal);
    if (queued) return queued;
    if (call.path === '/auth/refresh' && this.refreshGate) await this.refreshGate;
    return this.answer(call);
  };

  private answer(call: RecordedCall): Response {
    const route = `${call.method} ${call.path}`;
    if (route === 'GET /auth/csrf') {
      this.csrfToken = `csrf-${(this.serial += 1)}`;
      return json(200, { csrfToken: this.csrfToken });
    }
    if (this.cookieMode && call.method !== 'GET' && call.headers['x-csrf-token'] !== this.csrfToken) {
      return problem(403, 'csrf_failed');
    }
    switch (route) {
      case 'POST /auth/login':
        if (this.mfa) return json(200, { mfaRequired: true, challengeId: 'challenge-1', methods: ['totp'] });
        return this.tokenAnswer();
      case 'POST /auth/mfa/verify':
        return this.tokenAnswer();
      case 'POST /auth/refresh':
        return this.refresh(call);
      case 'GET /auth/me':
        return this.authorised(call) ? json(200, { user: USER, session: { id: 'session-1' } }) : this.dead();
      case 'POST /auth/logout':
        return this.authorised(call) ? json(204, undefined) : this.dead();
      default:
        return this.authorised(call) ? json(200, { ok: true, path: call.path }) : this.dead();
    }
  }

  private refresh(call: RecordedCall): Response {
    const presented = this.cookieMode
      ? this.currentRefresh
      : (call.body as { refreshToken?: string })?.refreshToken;
    if (presented && presented === this.currentRefresh) return this.tokenAnswer();
    if (presented && this.rotatedAway.has(presented)) return problem(409, 'refresh_conflict');
    return problem(401, 'invalid_refresh_token');
  }

  private tokenAnswer(): Response {
    const { refreshToken, ...rest } = this.issue();
    const body = this.cookieMode ? rest : { ...rest, refreshToken };
    // Cookie mode: a sign-in answer carries the CSRF token of the new session.
    if (this.cookieMode) this.csrfToken = `csrf-${(this.serial += 1)}`;
    return json(200, body, this.cookieMode ? { 'x-csrf-token': this.csrfToken! } : {});
  }

  private issue() {
    const n = (this.serial += 1);
    if (this.currentRefresh) this.rotatedAway.add(this.currentRefresh);
    this.currentRefresh = `refresh-${n}`;
    const accessToken = `access-${n}`;
    this.liveAccess.add(accessToken);
    return {
      accessToken,
      refreshToken: this.currentRefresh,
      tokenType: 'Bearer' as const,
      expiresIn: this.accessTtlSeconds,
      sessionId: 'session-1',
      user: USER,
    };
  }

  private authorised(call: RecordedCall): boolean {
    const bearer = call.headers.authorization?.replace(/^Bearer /, '');
    return bearer !== undefined && this.liveAccess.has(bearer);
  }

  private dead(): Response {
    return problem(401, 'invalid_token');
  }
}

function record(url: string, init: RequestInit): RecordedCall {
  const { pathname } = new URL(url);
  const headers = Object.fromEntries(new Headers(init.headers).entries());
  const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
  return {
    method: init.method ?? 'GET',
    path: pathname.replace(/^\/api\/v1/, ''),
    headers,
    body,
    credentials: init.credentials,
  };
}

/** An answer that never comes; rejects like fetch when the request is aborted. */
function hang(signal: AbortSignal | null | undefined): Promise<Response> {
  return new Promise((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
  });
}
