import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthError, deriveKey, type AuthEngine, type TokenPair } from '@gatehouse/core';
import { cookiePolicyOf, readRefreshCookie, writeRefreshCookie, type CookiePolicy } from './cookie-policy.js';
import { CsrfTokens } from './csrf.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Cookie mode's transport (API.md "Browser (cookie) mode"); null when it is off. */
    browserSessions: BrowserSessions | null;
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Cookie mode for browsers. A request is a browser's when it carries one of Gatehouse's
 * cookies (the page called GET /auth/csrf first, or holds a refresh cookie); requests with
 * none — API clients with bearer tokens and refresh tokens in bodies — are untouched.
 */
export class BrowserSessions {
  constructor(
    readonly policy: CookiePolicy,
    private readonly csrf: CsrfTokens,
    private readonly refreshMaxAgeSeconds: number,
    private readonly trustedOrigins: ReadonlySet<string>,
  ) {}

  isBrowser(request: FastifyRequest): boolean {
    const { cookies } = request;
    return cookies[this.policy.csrfName] !== undefined || cookies[this.policy.refreshName] !== undefined;
  }

  /** The refresh token in the request's cookie (undefined without one, or in an unknown format). */
  refreshTokenOf(request: FastifyRequest): string | undefined {
    return readRefreshCookie(request.cookies[this.policy.refreshName]);
  }

  /** GET /auth/csrf: the browser's secret (made and set when it has none) and its current token. */
  issueCsrfToken(request: FastifyRequest, reply: FastifyReply): string {
    const secret = this.browserSecret(request, reply);
    return this.csrf.tokenFor(secret, this.refreshTokenOf(request));
  }

  /**
   * Tokens to a browser: the refresh token only in the cookie, a CSRF token for the new
   * session in `x-csrf-token`, the rest of the TokenPair in the body.
   */
  deliver(request: FastifyRequest, reply: FastifyReply, tokens: TokenPair): Omit<TokenPair, 'refreshToken'> {
    const { refreshToken, ...body } = tokens;
    reply.setCookie(this.policy.refreshName, writeRefreshCookie(refreshToken), {
      ...this.policy.options,
      maxAge: this.refreshMaxAgeSeconds,
    });
    reply.header('x-csrf-token', this.csrf.tokenFor(this.browserSecret(request, reply), refreshToken));
    return body;
  }

  /** Logout: the refresh cookie goes (its session is already revoked). */
  clearRefreshCookie(request: FastifyRequest, reply: FastifyReply): void {
    if (request.cookies[this.policy.refreshName] === undefined) return;
    reply.clearCookie(this.policy.refreshName, this.policy.options);
  }

  /**
   * A mutating request that carries a Gatehouse cookie must come from our own pages: not
   * marked cross-site by the browser, from a trusted Origin when it names one, and with the
   * CSRF token bound to this browser and session. Anything else is 403 `csrf_failed`.
   */
  checkCsrf(request: FastifyRequest): void {
    if (!MUTATING.has(request.method) || !this.isBrowser(request)) return;
    if (request.headers['sec-fetch-site'] === 'cross-site') throw csrfFailed('cross-site request');
    const origin = request.headers.origin;
    if (origin !== undefined && !this.trustedOrigins.has(origin)) throw csrfFailed('untrusted Origin');
    const presented = request.headers['x-csrf-token'];
    const token = typeof presented === 'string' ? presented : undefined;
    const secret = request.cookies[this.policy.csrfName];
    if (!this.csrf.matches(token, secret, this.refreshTokenOf(request))) {
      throw csrfFailed('missing or wrong x-csrf-token');
    }
  }

  private browserSecret(request: FastifyRequest, reply: FastifyReply): string {
    const existing = request.cookies[this.policy.csrfName];
    if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
    const secret = this.csrf.newBrowserSecret();
    reply.setCookie(this.policy.csrfName, secret, {
      ...this.policy.options,
      maxAge: this.refreshMaxAgeSeconds,
    });
    return secret;
  }
}

const csrfFailed = (why: string) =>
  new AuthError(
    'csrf_failed',
    `Cross-site request refused (${why}): send x-csrf-token from GET /api/v1/auth/csrf`,
  );

/**
 * Registers cookie mode when `server.cookieMode` is on: cookie parsing for the whole app,
 * the CSRF check on every API request, and `app.browserSessions` for the routes.
 */
export async function registerBrowserSessions(app: FastifyInstance, engine: AuthEngine): Promise<void> {
  const { config, masterSecret } = engine.gatehouse;
  if (!config.server.cookieMode) {
    app.decorate('browserSessions', null);
    return;
  }
  await app.register(fastifyCookie);
  const trusted = new Set([new URL(config.server.publicUrl).origin, ...config.server.corsOrigins]);
  const sessions = new BrowserSessions(
    cookiePolicyOf(config),
    new CsrfTokens(deriveKey(masterSecret.key, 'csrf')),
    config.sessions.absoluteLifetimeSeconds,
    trusted,
  );
  app.decorate('browserSessions', sessions);
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/api/')) sessions.checkCsrf(request);
  });
}
