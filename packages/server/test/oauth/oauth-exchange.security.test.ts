import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createOidcProvider, ManualClock } from '@gatehouse/core';
import type { TestServer } from '../helpers/test-gatehouse.js';
import { claimsOf } from '../mfa/totp-client.js';
import { pkcePair, PROVIDER, RETURN_TO } from './oauth-client.js';
import { CLIENT_ID, CLIENT_SECRET, type TestIdp } from './test-idp.js';
import { startTestbed, type Testbed } from './testbed.js';
import { storesOf } from '../helpers/stores.js';

const PUBLIC = 'https://auth.example.com';
const settings = () => ({ kind: 'oidc' as const, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

/**
 * The app's side of the flow: the one-time code (PKCE-bound, single use, 60 s), the
 * allow-listed redirectTo, the binding cookie's attributes, rate limits and tenancy.
 */
describe('OAuth authorize and exchange', () => {
  const clock = new ManualClock(Date.now());
  let idp: TestIdp;
  let server: TestServer;
  let api: Testbed['api'];
  let testbed: Testbed | undefined;

  beforeAll(async () => {
    testbed = await startTestbed({
      clock,
      // Not the issuer the provider names (one slash more): discovery must refuse it.
      extraProviders: (issuer) => ({ sloppy: { ...settings(), issuer: `${issuer}/` } }),
    });
    ({ idp, server, api } = testbed);
  });
  afterAll(() => testbed?.close());

  async function codeFor(account: string) {
    idp.accounts.set(account, { email: `${account}@example.com`, email_verified: true });
    const { landing, verifier } = await api.journey(account);
    return { code: landing.searchParams.get('code')!, verifier };
  }

  async function exchangeFailure(): Promise<string | undefined> {
    await server.engine.audit.flush();
    return server.auditEvents.events.filter((event) => event.type === 'oauth.exchange_failed').at(-1)?.reason;
  }

  it('authorize: 302 to the provider with code flow, PKCE S256, state and nonce; a short-lived HttpOnly cookie', async () => {
    const { challenge } = pkcePair();
    const response = await api.authorize({ redirectTo: RETURN_TO, codeChallenge: challenge });
    expect(response.statusCode).toBe(302);
    expect(response.headers['cache-control']).toBe('no-store');
    const url = new URL(String(response.headers.location));
    expect(url.origin).toBe(idp.issuer);
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: `http://localhost:3000/api/v1/oauth/${PROVIDER}/callback`,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    expect(params.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Gatehouse's own verifier toward the provider, not the app's.
    expect(params.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.code_challenge).not.toBe(challenge);
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/^gh_oauth=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('Max-Age=600');
    expect(cookie).toContain('Path=/api/v1/oauth');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('Secure');
  });

  it.each([
    'https://evil.example/signed-in',
    '//evil.example/signed-in',
    'javascript:alert(1)',
    'https://app.example.com@evil.example/',
    'http://app.example.com/signed-in',
    '/signed-in',
  ])('redirectTo %s is refused before anything happens', async (redirectTo) => {
    const response = await api.authorize({ redirectTo, codeChallenge: pkcePair().challenge });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('validation_error');
    expect(response.headers.location).toBeUndefined();
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('authorize needs the app PKCE challenge (S256) and a configured provider', async () => {
    expect((await api.authorize({ redirectTo: RETURN_TO })).statusCode).toBe(400);
    expect((await api.authorize({ redirectTo: RETURN_TO, codeChallenge: 'plain-verifier' })).statusCode).toBe(
      400,
    );
    const unknown = await api.authorize(
      { redirectTo: RETURN_TO, codeChallenge: pkcePair().challenge },
      'nope',
    );
    expect(unknown.statusCode).toBe(404);
  });

  it('an issuer configured other than exactly as the provider names it is refused (503, audited)', async () => {
    const response = await api.authorize(
      { redirectTo: RETURN_TO, codeChallenge: pkcePair().challenge },
      'sloppy',
    );
    expect(response.statusCode).toBe(503);
    expect(response.headers['set-cookie']).toBeUndefined();
    await server.engine.audit.flush();
    const failure = server.auditEvents.events.filter((event) => event.type === 'oauth.failed').at(-1);
    expect(failure).toMatchObject({
      reason: 'discovery_failed',
      data: { provider: 'sloppy', step: 'authorize' },
    });
  });

  it('an oidc provider needs an issuer, and an https one in production', () => {
    const config = { ...settings(), scopes: [] };
    expect(() => createOidcProvider('corp', config)).toThrow(ConfigError);
    const http = { ...config, issuer: 'http://idp.example' };
    expect(() => createOidcProvider('corp', http)).toThrow(
      /oauth\.providers\.corp\.issuer: must be an https URL/,
    );
    expect(() => createOidcProvider('corp', http, { allowHttp: true })).not.toThrow();
  });

  it('a wrong PKCE verifier is refused and burns the code', async () => {
    const { code, verifier } = await codeFor('sub-pkce');
    const wrong = await api.exchange(code, pkcePair().verifier);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe('invalid_or_expired_token');
    expect(await exchangeFailure()).toBe('pkce_mismatch');
    const right = await api.exchange(code, verifier);
    expect(right.statusCode).toBe(400);
    expect(await exchangeFailure()).toBe('unknown_code');
  });

  it('a code works once, even under concurrent exchanges', async () => {
    const { code, verifier } = await codeFor('sub-once');
    const results = await Promise.all([1, 2, 3].map(() => api.exchange(code, verifier)));
    expect(results.map((result) => result.statusCode).sort()).toEqual([200, 400, 400]);
    expect((await api.exchange(code, verifier)).statusCode).toBe(400);
  });

  it('a code dies after 60 seconds', async () => {
    const { code, verifier } = await codeFor('sub-late');
    clock.advance(61_000);
    const late = await api.exchange(code, verifier);
    expect(late.statusCode).toBe(400);
    expect(late.json().code).toBe('invalid_or_expired_token');
  });

  it('the exchange body is strict and bounded', async () => {
    const extra = await server.app.inject({
      method: 'POST',
      url: '/api/v1/oauth/exchange',
      payload: { code: 'x', codeVerifier: 'y', redirectTo: RETURN_TO },
    });
    expect(extra.statusCode).toBe(400);
    expect((await api.exchange('x'.repeat(129), 'y')).statusCode).toBe(400);
  });
});

describe('OAuth over HTTPS, with tenancy and tight rate limits', () => {
  let idp: TestIdp;
  let server: TestServer;
  let api: Testbed['api'];
  let testbed: Testbed | undefined;

  beforeAll(async () => {
    testbed = await startTestbed({
      publicUrl: PUBLIC,
      config: {
        tenancy: { multiTenant: true, tenants: ['acme', 'globex'] },
        rateLimits: { oauth: { perIp: 3, windowSeconds: 60 } },
      },
    });
    ({ idp, server, api } = testbed);
  });
  afterAll(() => testbed?.close());

  it('the binding cookie is __Host- prefixed and Secure (the prefix requires Path=/)', async () => {
    const response = await api.authorize(
      { redirectTo: RETURN_TO, codeChallenge: pkcePair().challenge },
      PROVIDER,
      { 'x-tenant-id': 'acme' },
    );
    const header = String(response.headers['set-cookie']);
    expect(header).toMatch(/^__Host-gh_oauth=[A-Za-z0-9_-]{43};/);
    expect(header).toContain('Secure');
    expect(header).toMatch(/Path=\/(;|$)/);
    expect(header).toContain('HttpOnly');
    expect(header).toContain('SameSite=Lax');
  });

  it('the state carries its tenant: the callback needs no header; the code works only in that tenant', async () => {
    idp.accounts.set('sub-acme', { email: 'acme-user@example.com', email_verified: true });
    const journey = async () => {
      const started = await api.start({ headers: { 'x-tenant-id': 'acme' } });
      const callback = await api.callback(
        await idp.signIn(started.authorizationUrl, 'sub-acme'),
        started.cookie,
      );
      expect(callback.statusCode, callback.body).toBe(302);
      return { code: new URL(String(callback.headers.location)).searchParams.get('code')!, ...started };
    };
    const first = await journey();
    expect(await storesOf(server.engine).users.findByEmail('acme', 'acme-user@example.com')).toBeDefined();
    expect(
      await storesOf(server.engine).users.findByEmail('globex', 'acme-user@example.com'),
    ).toBeUndefined();
    const elsewhere = await api.exchange(first.code, first.verifier, { 'x-tenant-id': 'globex' });
    expect(elsewhere.statusCode).toBe(400);

    const second = await journey();
    const exchanged = await api.exchange(second.code, second.verifier);
    expect(exchanged.statusCode, exchanged.body).toBe(200);
    expect(claimsOf(exchanged.json().accessToken).tid).toBe('acme');
  });

  it('callbacks and exchanges are rate limited per IP (429 with retry-after)', async () => {
    const ip = { remoteAddress: '10.9.9.9' };
    const callbacks = [];
    for (let i = 0; i < 4; i++) {
      callbacks.push(await server.app.inject({ url: `/api/v1/oauth/${PROVIDER}/callback?state=x`, ...ip }));
    }
    expect(callbacks.map((response) => response.statusCode)).toEqual([400, 400, 400, 429]);
    expect(callbacks[3]!.headers['retry-after']).toMatch(/^\d+$/);
    const exchanges = [];
    for (let i = 0; i < 4; i++) {
      exchanges.push(
        await server.app.inject({
          method: 'POST',
          url: '/api/v1/oauth/exchange',
          payload: { code: 'x', codeVerifier: 'y' },
          ...ip,
        }),
      );
    }
    expect(exchanges.map((response) => response.statusCode)).toEqual([400, 400, 400, 429]);
  });

  it('an IPv6 client is its /64: new addresses in it share the budget, another /64 does not', async () => {
    const callback = (remoteAddress: string) =>
      server.app.inject({ url: `/api/v1/oauth/${PROVIDER}/callback?state=x`, remoteAddress });
    const statuses = [];
    for (const host of [':1', ':2:3', 'a:b:c:d', 'ffff:ffff:ffff:ffff']) {
      statuses.push((await callback(`2001:db8:9:9:${host}`)).statusCode);
    }
    expect(statuses).toEqual([400, 400, 400, 429]);
    expect((await callback('2001:db8:9:a::1')).statusCode).toBe(400);
  });
});
