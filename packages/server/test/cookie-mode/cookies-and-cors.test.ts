/**
 * Browser (cookie) mode over HTTP, the parts that are plain contract: the cookies' names and
 * attributes under each cookie policy, clients that send no cookie, cookie mode off, and
 * CORS for the page's origin. (The attacks are in security/cookie-mode.security.test.ts.)
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, expectProblem, type SecurityServer } from '../security/harness.js';
import { Browser, REFRESH_COOKIE_VERSION, cookieNamesFor, setCookiesOf } from './browser.js';
import {
  ABSOLUTE_LIFETIME_SECONDS,
  APP_ORIGIN,
  expectClearedCookie,
  expectCookieAttributes,
  expectLiveCookie,
  openCookieServer,
  type ExpectedCookie,
} from './cookie-server.js';

describe('cookie attributes per policy', () => {
  it.each<[string, ExpectedCookie, Record<string, unknown>]>([
    ['production (resolved from the https public URL)', { policy: 'production' }, {}],
    [
      'production with a parent domain',
      { policy: 'production', domain: 'example.com' },
      { cookiePolicy: 'production', cookieDomain: 'example.com' },
    ],
    ['preview', { policy: 'preview' }, { cookiePolicy: 'preview' }],
    [
      'development (resolved from an http://localhost public URL)',
      { policy: 'development' },
      { publicUrl: 'http://localhost:3000' },
    ],
  ])('%s: on csrf, login, refresh and logout', async (_name, expected, serverConfig) => {
    const server = await openCookieServer({ server: serverConfig });
    try {
      await walkThroughCookies(server, expected);
    } finally {
      await server.close();
    }
  });
});

/** One browser's whole life on `server`, checking every Set-Cookie against `expected`. */
async function walkThroughCookies(server: SecurityServer, expected: ExpectedCookie): Promise<void> {
  const names = cookieNamesFor(expected.policy, expected.domain !== undefined);
  // No cookie under another name (an unprefixed twin would be readable by any subdomain).
  const onlyOurs = (response: LightMyRequestResponse) => {
    for (const cookie of setCookiesOf(response)) expect([names.refresh, names.csrf]).toContain(cookie.name);
  };
  await server.createUser('flags@example.com');
  const browser = new Browser(server, names);

  const csrf = await browser.send('GET', '/auth/csrf');
  expect(csrf.statusCode, csrf.body).toBe(200);
  const csrfCookie = expectLiveCookie(csrf, names.csrf);
  expectCookieAttributes(csrfCookie, expected);
  expect(csrf.headers['cache-control']).toBe('no-store'); // it sets a cookie: no shared cache may keep it
  const { csrfToken } = csrf.json() as { csrfToken: string };
  expect(csrfToken).toEqual(expect.any(String));
  expect(csrfToken).not.toBe(csrfCookie.value); // the token is derived from the secret, not the secret
  browser.csrfToken = csrfToken;

  const login = await browser.send('POST', '/auth/login', {
    payload: { email: 'flags@example.com', password: PASSWORD },
  });
  expect(login.statusCode, login.body).toBe(200);
  onlyOurs(login);
  expectTokenAnswer(login, names.refresh, expected, 'login');

  const refreshed = await browser.refresh();
  expect(refreshed.statusCode, refreshed.body).toBe(200);
  onlyOurs(refreshed);
  const rotated = expectTokenAnswer(refreshed, names.refresh, expected, 'refresh');
  expect(rotated).not.toBe(expectLiveCookie(login, names.refresh).value);

  const { accessToken } = refreshed.json() as { accessToken: string };
  const out = await browser.send('POST', '/auth/logout', { token: accessToken });
  expect(out.statusCode, out.body).toBe(204);
  const cleared = expectClearedCookie(out, names.refresh);
  // A clearing cookie must match the one it replaces, or the browser keeps the old one.
  expect(cleared.attributes.get('path'), cleared.raw).toBe('/');
  expect(cleared.attributes.get('secure') === true, cleared.raw).toBe(expected.policy !== 'development');
  expect(cleared.attributes.get('domain'), cleared.raw).toBe(expected.domain);
}

/** A token-bearing answer to a browser: the refresh cookie, no body refreshToken, a fresh CSRF token. */
function expectTokenAnswer(
  response: LightMyRequestResponse,
  name: string,
  expected: ExpectedCookie,
  step: string,
): string {
  const cookie = expectLiveCookie(response, name);
  expectCookieAttributes(cookie, expected);
  const maxAge = Number(cookie.attributes.get('max-age'));
  expect(maxAge, `${step}: ${cookie.raw}`).toBeLessThanOrEqual(ABSOLUTE_LIFETIME_SECONDS);
  expect(maxAge, `${step}: ${cookie.raw}`).toBeGreaterThan(ABSOLUTE_LIFETIME_SECONDS - 60);
  expect(cookie.value.startsWith(REFRESH_COOKIE_VERSION), cookie.raw).toBe(true);
  expect(cookie.value.length).toBeGreaterThan(REFRESH_COOKIE_VERSION.length + 20);
  const body = response.json() as Record<string, unknown>;
  expect(body, step).not.toHaveProperty('refreshToken');
  expect(body.accessToken, step).toEqual(expect.any(String));
  expect(response.headers['x-csrf-token'], step).toEqual(expect.any(String));
  expect(response.headers['cache-control'], step).toBe('no-store');
  return cookie.value;
}

describe('cookie mode off', () => {
  let server: SecurityServer;
  beforeAll(async () => {
    server = await openCookieServer({ server: { cookieMode: false } });
  });
  afterAll(() => server.close());

  // With server.corsOrigins set, @fastify/cors has an `OPTIONS *` route: the not-found handler
  // once took it for a route at every path and answered 405 (`allow: OPTIONS`) instead.
  it('has no /auth/csrf: 404 not_found', async () => {
    expectProblem(await server.get('/auth/csrf'), 404, 'not_found');
  });

  it('sets no cookie and reads none, whatever cookies a client sends', async () => {
    await server.createUser('off@example.com');
    const names = cookieNamesFor('production');
    const cookie = `${names.csrf}=x; gh_csrf=x; ${names.refresh}=v1.garbage; gh_rt=v1.garbage`;
    const login = await server.post(
      '/auth/login',
      { email: 'off@example.com', password: PASSWORD },
      { headers: { cookie, origin: 'https://evil.example' } },
    );
    expect(login.statusCode, login.body).toBe(200);
    expect(login.headers['set-cookie']).toBeUndefined();
    expect(login.headers['x-csrf-token']).toBeUndefined();
    const pair = login.json() as { refreshToken: string; accessToken: string };
    expect(pair.refreshToken).toEqual(expect.any(String));
    // The refresh token as a cookie is not a refresh token here: the body must carry it, as before.
    const asCookie = { headers: { cookie: `${names.refresh}=v1.${pair.refreshToken}` } };
    expectProblem(await server.post('/auth/refresh', {}, asCookie), 400, 'validation_error');
    const refreshed = await server.post('/auth/refresh', { refreshToken: pair.refreshToken }, asCookie);
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    expect(refreshed.headers['set-cookie']).toBeUndefined();
    const { accessToken } = refreshed.json() as { accessToken: string };
    const out = await server.post('/auth/logout', undefined, { token: accessToken, headers: { cookie } });
    expect(out.statusCode, out.body).toBe(204);
    expect(out.headers['set-cookie']).toBeUndefined();
  });
});

describe('cookie mode and CORS', () => {
  let server: SecurityServer;
  beforeAll(async () => {
    server = await openCookieServer();
  });
  afterAll(() => server.close());

  const preflight = (origin: string) =>
    server.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/auth/refresh',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-csrf-token',
      },
    });
  const fromOrigin = (origin: string) =>
    new Browser(server, cookieNamesFor('production')).send('GET', '/auth/csrf', { headers: { origin } });
  const UNKNOWN = ['https://evil.example', 'https://app.example.com.evil.example', 'null'];

  it('exact origins with credentials; preflights 204 naming HEAD and x-csrf-token', async () => {
    const allowed = await preflight(APP_ORIGIN);
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    expect(listOf(allowed.headers.vary)).toContain('origin');
    expect(listOf(allowed.headers['access-control-allow-methods'])).toEqual(
      expect.arrayContaining(['head', 'post']),
    );
    expect(listOf(allowed.headers['access-control-allow-headers'])).toContain('x-csrf-token');

    const actual = await fromOrigin(APP_ORIGIN);
    expect(actual.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(actual.headers['access-control-allow-credentials']).toBe('true');
    expect(listOf(actual.headers.vary)).toContain('origin');
    expect(listOf(actual.headers['access-control-expose-headers'])).toContain('x-csrf-token');
  });

  it('an unknown origin is granted nothing: no Access-Control-Allow-Origin, no reflection', async () => {
    for (const origin of UNKNOWN) {
      for (const response of [await preflight(origin), await fromOrigin(origin)]) {
        expect(response.headers['access-control-allow-origin'], origin).toBeUndefined();
        expect(JSON.stringify(response.headers), origin).not.toContain(origin === 'null' ? '"null"' : origin);
      }
    }
  });

  // @fastify/cors, left to itself, still writes -Allow-Credentials, -Expose-Headers and the
  // preflight headers for an origin it does not allow (only -Allow-Origin is left out).
  it('an unknown origin gets no CORS headers at all', async () => {
    for (const origin of UNKNOWN) {
      for (const response of [await preflight(origin), await fromOrigin(origin)]) {
        const cors = Object.keys(response.headers).filter((name) => name.startsWith('access-control-'));
        expect(cors, `${origin}: ${JSON.stringify(response.headers)}`).toEqual([]);
      }
    }
  });
});

/** A comma-separated header as lower-cased items. */
function listOf(header: string | string[] | number | undefined): string[] {
  return String(header ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);
}
