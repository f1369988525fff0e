/**
 * Browser (cookie) mode under attack (API.md "Browser (cookie) mode"): the refresh token
 * lives only in an HttpOnly cookie, every mutating browser request proves it comes from the
 * page (x-csrf-token bound to the browser and its session, no cross-site Origin or
 * Sec-Fetch-Site), rotation and reuse detection work through the cookie, and clients that
 * send no Gatehouse cookie are served exactly as before.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, expectProblem, type SecurityServer } from './harness.js';
import { Browser, cookieNamesFor, newDevice, REFRESH_COOKIE_VERSION } from '../cookie-mode/browser.js';
import {
  APP_ORIGIN,
  PUBLIC_URL,
  captureLogger,
  expectClearedCookie,
  expectLiveCookie,
  expectNoCookie,
  openCookieServer,
} from '../cookie-mode/cookie-server.js';

const NAMES = cookieNamesFor('production');

describe('cookie mode: a browser session', () => {
  let server: SecurityServer;
  let n = 0;
  beforeAll(async () => {
    server = await openCookieServer();
  });
  afterAll(() => server.close());

  /** A fresh user, signed in from a fresh browser. */
  async function signedInBrowser() {
    const email = `b${++n}@example.com`;
    await server.createUser(email);
    const browser = new Browser(server, NAMES);
    const { response, body } = await browser.signIn(email);
    return { browser, response, body, email };
  }
  const me = (token: string) => server.get('/auth/me', { token });

  it('csrf → login → me → refresh by cookie → rotation → a thief replaying the old cookie ends the session', async () => {
    const email = 'flow@example.com';
    await server.createUser(email);
    const browser = new Browser(server, NAMES);
    const preLogin = await browser.fetchCsrfToken();
    const login = await browser.send('POST', '/auth/login', { payload: { email, password: PASSWORD } });
    expect(login.statusCode, login.body).toBe(200);
    const body = login.json() as Record<string, unknown>;
    expect(body).not.toHaveProperty('refreshToken');
    expect(body.accessToken).toEqual(expect.any(String));
    const signInToken = login.headers['x-csrf-token'];
    expect(signInToken).toEqual(expect.any(String));
    expect(signInToken).not.toBe(preLogin); // bound to the new session
    expect((await me(String(body.accessToken))).json()).toMatchObject({ session: { id: body.sessionId } });

    const oldTab = browser.clone(); // the same device, still holding the first cookie
    const refreshed = await browser.refresh(); // the cookie only, with the sign-in answer's token
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    const next = refreshed.json() as Record<string, unknown>;
    expect(next).not.toHaveProperty('refreshToken');
    expect(next.sessionId).toBe(body.sessionId);
    expect(browser.refreshToken).not.toBe(oldTab.refreshToken);
    expect((await me(String(next.accessToken))).statusCode).toBe(200);

    // The old value no longer refreshes: from the same device inside the window, a conflict
    // that logs no one out (and clears nothing).
    const stale = await oldTab.refresh();
    expectProblem(stale, 409, 'refresh_conflict');
    expectNoCookie(stale, NAMES.refresh);
    // From another device it is reuse: the session ends, the current cookie with it.
    const thief = oldTab.clone(newDevice());
    await thief.fetchCsrfToken();
    expectProblem(await thief.refresh(), 401, 'refresh_token_reused');
    expectProblem(await browser.refresh(), 401, 'invalid_refresh_token');
    expectProblem(await me(String(next.accessToken)), 401, 'invalid_token');
  });

  it.each(['/auth/logout', '/auth/logout-all'])(
    '%s clears the refresh cookie; its value then refreshes nothing',
    async (url) => {
      const { browser, body } = await signedInBrowser();
      const before = browser.clone();
      const out = await browser.send('POST', url, { token: body.accessToken });
      expect(out.statusCode, out.body).toBe(204);
      expectClearedCookie(out, NAMES.refresh);
      expect(browser.refreshToken).toBeUndefined();
      expectProblem(await before.refresh(), 401, 'invalid_refresh_token');
    },
  );

  it('revoke reads the cookie; with no token anywhere, refresh is 401 and revoke 204', async () => {
    const { browser, body } = await signedInBrowser();
    expect((await browser.send('POST', '/auth/revoke', { payload: {} })).statusCode).toBe(204);
    expectProblem(await me(body.accessToken), 401, 'invalid_token');

    const empty = new Browser(server, NAMES); // only the CSRF cookie
    await empty.fetchCsrfToken();
    expectProblem(await empty.refresh(), 401, 'invalid_refresh_token');
    expect((await empty.send('POST', '/auth/revoke', { payload: {} })).statusCode).toBe(204);
    // No cookie at all (an API client): an empty body and `{}` alike.
    expectProblem(await server.post('/auth/refresh', {}), 401, 'invalid_refresh_token');
    expectProblem(await server.call('POST', '/auth/refresh'), 401, 'invalid_refresh_token');
    expect((await server.post('/auth/revoke', {})).statusCode).toBe(204);
  });

  it('a body refreshToken wins over the cookie', async () => {
    const { browser, email } = await signedInBrowser();
    const api = await server.login(email); // a second session of the same user, body tokens
    const answer = await browser.refresh({ payload: { refreshToken: api.refreshToken } });
    expect(answer.statusCode, answer.body).toBe(200);
    expect((answer.json() as { sessionId: string }).sessionId).toBe(api.sessionId);
  });

  it("revoking another session's token by body keeps this browser's cookie", async () => {
    const { browser, email } = await signedInBrowser();
    const api = await server.login(email);
    const revoked = await browser.send('POST', '/auth/revoke', {
      payload: { refreshToken: api.refreshToken },
    });
    expect(revoked.statusCode).toBe(204);
    expect(browser.jar.has(NAMES.refresh)).toBe(true);
    expect((await browser.refresh()).statusCode).toBe(200);
  });

  it('step-up and magic-link verify answer a browser through the cookie too', async () => {
    const { browser, body, email } = await signedInBrowser();
    const stepUp = await browser.send('POST', '/auth/step-up', {
      token: body.accessToken,
      payload: { password: PASSWORD },
    });
    expect(stepUp.statusCode, stepUp.body).toBe(200);
    expect(stepUp.json()).not.toHaveProperty('refreshToken');
    expectLiveCookie(stepUp, NAMES.refresh);
    expect(stepUp.headers['x-csrf-token']).toEqual(expect.any(String));

    const fresh = new Browser(server, NAMES);
    await fresh.fetchCsrfToken();
    const requested = await fresh.send('POST', '/auth/magic-link', { payload: { email } });
    expect(requested.statusCode, requested.body).toBe(202);
    await server.gatehouse.jobs.drain(10_000);
    const mail = (await server.engine.outbox!.list(email)).find((entry) => entry.template === 'magic_link');
    const verified = await fresh.send('POST', '/auth/magic-link/verify', {
      payload: { token: String(mail?.data.token) },
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json()).not.toHaveProperty('refreshToken');
    expect(expectLiveCookie(verified, NAMES.refresh).value.startsWith(REFRESH_COOKIE_VERSION)).toBe(true);
    expect((await fresh.refresh()).statusCode).toBe(200); // with the verify answer's x-csrf-token
  });

  it('a client without Gatehouse cookies gets body tokens, no cookie, and no CSRF checks', async () => {
    await server.createUser('api@example.com');
    const hostile = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };
    const login = await server.post(
      '/auth/login',
      { email: 'api@example.com', password: PASSWORD },
      { headers: hostile },
    );
    expect(login.statusCode, login.body).toBe(200);
    expect(login.headers['set-cookie']).toBeUndefined();
    const pair = login.json() as { refreshToken: string; accessToken: string };
    expect(pair.refreshToken).toEqual(expect.any(String));
    const refreshed = await server.post(
      '/auth/refresh',
      { refreshToken: pair.refreshToken },
      { headers: hostile },
    );
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    expect(refreshed.headers['set-cookie']).toBeUndefined();
    const next = refreshed.json() as { refreshToken: string; accessToken: string };
    expect(next.refreshToken).toEqual(expect.any(String));
    const out = await server.post('/auth/logout', undefined, { token: next.accessToken, headers: hostile });
    expect(out.statusCode, out.body).toBe(204);
    expect(out.headers['set-cookie']).toBeUndefined();
  });

  describe('CSRF', () => {
    it('refresh with the cookie but no x-csrf-token is 403 csrf_failed, and nothing is rotated', async () => {
      const { browser } = await signedInBrowser();
      const before = browser.refreshToken;
      for (const csrf of [null, '']) {
        const refused = await browser.refresh({ csrf });
        expectProblem(refused, 403, 'csrf_failed');
        expectNoCookie(refused, NAMES.refresh);
      }
      expect(browser.refreshToken).toBe(before);
      // A rotated token replayed from the same device would be a 409: a 200 says it was untouched.
      expect((await browser.refresh()).statusCode).toBe(200);
    });

    it('a wrong, altered, or raw-secret token is refused', async () => {
      const { browser } = await signedInBrowser();
      const good = browser.csrfToken!;
      const flipped = good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A');
      for (const csrf of [
        randomBytes(32).toString('base64url'),
        flipped,
        `${good}x`,
        good.slice(0, -1),
        ` ${good}`,
        browser.jar.get(NAMES.csrf)!, // the cookie's secret itself is no token (double submit)
        browser.jar.get(NAMES.refresh)!,
      ]) {
        expectProblem(await browser.refresh({ csrf }), 403, 'csrf_failed');
      }
      expect((await browser.refresh()).statusCode).toBe(200);
    });

    it("another browser's token fails, even one minted for the same session", async () => {
      const { browser } = await signedInBrowser();
      const { browser: other } = await signedInBrowser();
      expectProblem(await browser.refresh({ csrf: other.csrfToken! }), 403, 'csrf_failed');
      // A thief with the refresh cookie but a CSRF secret of its own: its token binds its secret.
      const thief = new Browser(server, NAMES, newDevice());
      thief.jar.set(NAMES.refresh, browser.jar.get(NAMES.refresh)!);
      const thiefToken = await thief.fetchCsrfToken();
      expectProblem(await browser.refresh({ csrf: thiefToken }), 403, 'csrf_failed');
      expect(thief.jar.get(NAMES.csrf)).not.toBe(browser.jar.get(NAMES.csrf));
      expectProblem(await thief.refresh({ csrf: browser.csrfToken! }), 403, 'csrf_failed');
      expect((await browser.refresh()).statusCode).toBe(200);
    });

    it("a token fetched before sign-in fails after it; the sign-in answer's and a fresh one work", async () => {
      await server.createUser('pre@example.com');
      const browser = new Browser(server, NAMES);
      const preLogin = await browser.fetchCsrfToken();
      const secret = browser.jar.get(NAMES.csrf);
      await browser.signIn('pre@example.com');
      expect(browser.jar.get(NAMES.csrf)).toBe(secret); // GET /auth/csrf keeps an existing secret
      expectProblem(await browser.refresh({ csrf: preLogin }), 403, 'csrf_failed');
      expect((await browser.refresh()).statusCode).toBe(200);
      const fresh = await browser.fetchCsrfToken();
      expect(fresh).not.toBe(preLogin);
      expect((await browser.refresh()).statusCode).toBe(200);
    });

    it('login itself needs the token once the browser has a CSRF cookie', async () => {
      await server.createUser('forced@example.com');
      const browser = new Browser(server, NAMES);
      await browser.fetchCsrfToken();
      const payload = { email: 'forced@example.com', password: PASSWORD };
      const refused = await browser.send('POST', '/auth/login', { payload, csrf: null });
      expectProblem(refused, 403, 'csrf_failed');
      expectNoCookie(refused, NAMES.refresh);
      expect((await browser.send('POST', '/auth/login', { payload })).statusCode).toBe(200);
    });

    it('Sec-Fetch-Site: cross-site is refused even with a valid token; same-origin and none pass', async () => {
      const { browser } = await signedInBrowser();
      const crossSite = await browser.refresh({ headers: { 'sec-fetch-site': 'cross-site' } });
      expectProblem(crossSite, 403, 'csrf_failed');
      for (const site of ['same-origin', 'same-site', 'none']) {
        const allowed = await browser.refresh({ headers: { 'sec-fetch-site': site } });
        expect(allowed.statusCode, `${site}: ${allowed.body}`).toBe(200);
      }
    });

    it('a foreign, look-alike or null Origin is refused; the public URL and a CORS origin pass', async () => {
      const { browser } = await signedInBrowser();
      for (const origin of [
        'https://evil.example',
        'null',
        'http://app.example.com', // the right host, the wrong scheme
        'https://app.example.com:8443',
        'https://app.example.com.evil.example',
        'https://evilapp.example.com',
        'https://auth.example.com.evil.example',
      ]) {
        expectProblem(await browser.refresh({ headers: { origin } }), 403, 'csrf_failed');
      }
      for (const origin of [APP_ORIGIN, PUBLIC_URL]) {
        const allowed = await browser.refresh({ headers: { origin } });
        expect(allowed.statusCode, `${origin}: ${allowed.body}`).toBe(200);
      }
    });

    it('every mutating route is checked, not only refresh; the session survives the attempts', async () => {
      const { browser, body } = await signedInBrowser();
      const token = body.accessToken;
      const attempts = [
        browser.send('POST', '/auth/logout', { token, csrf: null }),
        browser.send('POST', '/auth/logout-all', { token, headers: { origin: 'https://evil.example' } }),
        browser.send('POST', '/auth/revoke', { payload: {}, csrf: null }),
        browser.send('DELETE', `/sessions/${body.sessionId}`, { token, csrf: null }),
      ];
      for (const attempt of await Promise.all(attempts)) expectProblem(attempt, 403, 'csrf_failed');
      // Only the CSRF cookie (no refresh cookie) makes a request a browser's, too.
      const onlyCsrf = new Browser(server, NAMES, browser.device);
      onlyCsrf.jar.set(NAMES.csrf, browser.jar.get(NAMES.csrf)!);
      expectProblem(await onlyCsrf.send('POST', '/auth/logout', { token, csrf: null }), 403, 'csrf_failed');
      expect((await me(token)).statusCode).toBe(200);
    });

    it('GET and HEAD are never checked', async () => {
      const { browser, body } = await signedInBrowser();
      const hostile = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };
      const read = await browser.send('GET', '/auth/me', {
        token: body.accessToken,
        csrf: null,
        headers: hostile,
      });
      expect(read.statusCode, read.body).toBe(200);
      const head = await browser.send('HEAD', '/auth/verify-token', {
        token: body.accessToken,
        csrf: null,
        headers: hostile,
      });
      expect(head.statusCode).toBe(204);
    });
  });

  it('5 parallel cookie refreshes from one device: one 200, four 409, nobody logged out, no reuse', async () => {
    const { browser, body } = await signedInBrowser();
    const answers = await Promise.all(Array.from({ length: 5 }, () => browser.refresh()));
    expect(answers.filter((answer) => answer.statusCode === 200)).toHaveLength(1);
    const losers = answers.filter((answer) => answer.statusCode !== 200);
    expect(losers).toHaveLength(4);
    for (const loser of losers) {
      expectProblem(loser, 409, 'refresh_conflict');
      expectNoCookie(loser, NAMES.refresh); // a cleared cookie would log the tab out
    }
    const after = await browser.refresh(); // the winner's cookie
    expect(after.statusCode, after.body).toBe(200);
    const events = await server.audit();
    const reuse = events.filter((e) => e.type === 'refresh.reuse_detected' && e.sessionId === body.sessionId);
    expect(reuse).toEqual([]);
  });
});

describe('cookie mode with tenancy', () => {
  let server: SecurityServer;
  beforeAll(async () => {
    server = await openCookieServer({ tenancy: { multiTenant: true, tenants: ['acme', 'globex'] } });
  });
  afterAll(() => server.close());

  it("a refresh cookie of one tenant sent as another tenant's is 401, and not spent", async () => {
    await server.createUser('tenant@example.com', PASSWORD, { tenant: 'acme' });
    const browser = new Browser(server, NAMES);
    await browser.signIn('tenant@example.com', PASSWORD, { 'x-tenant-id': 'acme' });
    const crossTenant = await browser.refresh({ headers: { 'x-tenant-id': 'globex' } });
    expectProblem(crossTenant, 401, 'invalid_refresh_token');
    expectNoCookie(crossTenant, NAMES.refresh);
    const own = await browser.refresh({ headers: { 'x-tenant-id': 'acme' } });
    expect(own.statusCode, own.body).toBe(200);
  });
});

describe('cookie mode keeps its secrets', () => {
  const capture = captureLogger();
  let server: SecurityServer;
  beforeAll(async () => {
    server = await openCookieServer({}, { logger: capture.logger });
  });
  afterAll(() => server.close());

  it('no refresh token, CSRF secret or CSRF token reaches the audit log or the server log', async () => {
    await server.createUser('quiet@example.com');
    const browser = new Browser(server, NAMES);
    const seen = new Set<string>();
    const note = () => {
      for (const value of [browser.refreshToken, browser.jar.get(NAMES.csrf), browser.csrfToken]) {
        if (value) seen.add(value);
      }
      // The refresh token's secret part alone (its other parts name the tenant, user and session).
      const secretPart = browser.refreshToken?.split('.').at(-1);
      if (secretPart) seen.add(secretPart);
    };
    await browser.fetchCsrfToken();
    note();
    const { body } = await browser.signIn('quiet@example.com');
    note();
    const stale = browser.clone();
    expect((await browser.refresh()).statusCode).toBe(200);
    note();
    expectProblem(await stale.refresh(), 409, 'refresh_conflict');
    expectProblem(await browser.refresh({ csrf: null }), 403, 'csrf_failed');
    expect((await browser.refresh()).statusCode).toBe(200);
    note();
    const thief = stale.clone(newDevice());
    await thief.fetchCsrfToken();
    note();
    expectProblem(await thief.refresh(), 401, 'refresh_token_reused');
    expectProblem(
      await browser.send('POST', '/auth/logout', { token: body.accessToken }),
      401,
      'invalid_token',
    );

    const audit = JSON.stringify(await server.audit());
    const log = capture.lines.join('');
    expect(audit).toContain('refresh.reuse_detected'); // the audit log did record the attack
    expect(log).not.toBe('');
    expect(seen.size).toBeGreaterThan(5);
    for (const secret of seen) {
      expect(audit.includes(secret), `audit log holds ${secret.slice(0, 8)}…`).toBe(false);
      expect(log.includes(secret), `server log holds ${secret.slice(0, 8)}…`).toBe(false);
    }
  });
});
