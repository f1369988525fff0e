import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@gatehouse/core';
import type { TestServer } from '../helpers/test-gatehouse.js';
import { expectLandingError, type Journey } from './oauth-client.js';
import { CLIENT_ID, type IdTokenTamper, type TestIdp } from './test-idp.js';
import { startTestbed, type Testbed } from './testbed.js';
import { storesOf } from '../helpers/stores.js';

const OTHER = 'idp-two';

/**
 * The callback's attack classes (API.md "OAuth / social login"): state missing, wrong or
 * replayed; a callback from a browser without the binding cookie (login CSRF); a state of
 * one provider at another's callback; a replayed provider code; an ID token with the wrong
 * nonce, issuer, audience, signature or expiry; an `iss` parameter naming another issuer.
 * Each must fail for its own reason, which the audit event names.
 */
describe('OAuth callback attacks', () => {
  const clock = new ManualClock(Date.now());
  let idp: TestIdp;
  let server: TestServer;
  let api: Testbed['api'];
  let testbed: Testbed | undefined;

  beforeAll(async () => {
    testbed = await startTestbed({ clock, alsoAs: [OTHER] });
    ({ idp, server, api } = testbed);
  });
  afterAll(() => testbed?.close());

  /** Authorize and sign in at the provider, stopping before the callback reaches Gatehouse. */
  async function upToCallback(account: string, email = `${account}@example.com`) {
    idp.accounts.set(account, { email, email_verified: true });
    const started = await api.start();
    return { ...started, callbackUrl: await idp.signIn(started.authorizationUrl, account) };
  }

  const withParam = (url: URL, name: string, value: string | null) => {
    const edited = new URL(url);
    if (value === null) edited.searchParams.delete(name);
    else edited.searchParams.set(name, value);
    return edited;
  };

  async function expectRefused(response: Awaited<ReturnType<typeof api.callback>>, reason: string) {
    expect(response.statusCode, response.body).toBe(400);
    expect(response.headers.location).toBeUndefined();
    expect(response.json()).toMatchObject({ code: 'oauth_failed', reason });
    expect((await api.lastFailure()).reason).toBe(reason);
  }

  it('a callback without state, or with a state never issued, is refused in place (no redirect)', async () => {
    const { callbackUrl, cookie } = await upToCallback('sub-state');
    await expectRefused(await api.callback(withParam(callbackUrl, 'state', null), cookie), 'missing_state');
    const forged = withParam(callbackUrl, 'state', 'A'.repeat(43));
    await expectRefused(await api.callback(forged, cookie), 'unknown_state');
    // Neither burned the real attempt.
    expect((await api.callback(callbackUrl, cookie)).statusCode).toBe(302);
  });

  it('a state works once: the replayed callback is refused', async () => {
    const { callbackUrl, cookie } = await upToCallback('sub-replay');
    expect((await api.callback(callbackUrl, cookie)).statusCode).toBe(302);
    await expectRefused(await api.callback(callbackUrl, cookie), 'unknown_state');
  });

  it('a callback without the binding cookie (login CSRF) is refused; the real browser still finishes', async () => {
    const { callbackUrl, cookie } = await upToCallback('sub-csrf');
    await expectRefused(await api.callback(callbackUrl), 'binding_mismatch');
    // The victim's browser holds a cookie of its own attempt: the attacker's state is not bound to it.
    const victim = await api.start();
    await expectRefused(await api.callback(callbackUrl, victim.cookie), 'binding_mismatch');
    const finished = await api.callback(callbackUrl, cookie);
    expect(new URL(String(finished.headers.location)).searchParams.get('code')).toBeTruthy();
  });

  it("a state issued for one provider is refused at another provider's callback (mix-up)", async () => {
    const { callbackUrl, cookie } = await upToCallback('sub-mixup');
    const elsewhere = new URL(callbackUrl);
    elsewhere.pathname = `/api/v1/oauth/${OTHER}/callback`;
    await expectRefused(await api.callback(elsewhere, cookie), 'provider_mismatch');
  });

  it("a replayed provider code is refused by the provider's token endpoint", async () => {
    const first = await upToCallback('sub-code');
    expect((await api.callback(first.callbackUrl, first.cookie)).statusCode).toBe(302);
    // A fresh attempt of the same browser, carrying the first attempt's (used) code.
    const second = await api.start();
    const secondAt = await idp.signIn(second.authorizationUrl, 'sub-code');
    const replayed = withParam(secondAt, 'code', first.callbackUrl.searchParams.get('code'));
    const response = await api.callback(replayed, second.cookie);
    expectLandingError(new URL(String(response.headers.location)), 'oauth_failed');
    expect(await api.lastFailure()).toEqual({
      reason: 'token_exchange_failed',
      detail: expect.stringContaining('invalid_grant'),
    });
  });

  it('an `iss` parameter naming another issuer is refused (RFC 9207 mix-up defence)', async () => {
    const { callbackUrl, cookie } = await upToCallback('sub-iss-param');
    const response = await api.callback(withParam(callbackUrl, 'iss', 'https://evil.example'), cookie);
    expectLandingError(new URL(String(response.headers.location)), 'oauth_failed');
    expect((await api.lastFailure()).reason).toBe('wrong_issuer');
  });

  describe('ID tokens', () => {
    async function journeyWith(tamper: IdTokenTamper, account: string): Promise<Journey> {
      idp.accounts.set(account, { email: `${account}@example.com`, email_verified: true });
      idp.tamper = tamper;
      try {
        return await api.journey(account);
      } finally {
        idp.tamper = null;
      }
    }

    async function expectIdTokenRefused(tamper: IdTokenTamper, reason: string, detail?: RegExp) {
      const account = `sub-${reason}-${Math.random().toString(36).slice(2, 8)}`;
      expectLandingError((await journeyWith(tamper, account)).landing, 'oauth_failed');
      const failure = await api.lastFailure();
      expect(failure.reason).toBe(reason);
      if (detail) expect(failure.detail).toMatch(detail);
      expect(
        await storesOf(server.engine).users.findByEmail('default', `${account}@example.com`),
      ).toBeUndefined();
    }

    it('a token re-signed unchanged passes (the tampering itself is transparent)', async () => {
      const { landing } = await journeyWith({ claims: (claims) => claims }, 'sub-control');
      expect(landing.searchParams.get('code')).toBeTruthy();
    });

    it('wrong nonce', () =>
      expectIdTokenRefused({ claims: (c) => ({ ...c, nonce: 'another' }) }, 'nonce_mismatch'));

    it('another issuer', () =>
      expectIdTokenRefused({ claims: (c) => ({ ...c, iss: 'https://evil.example' }) }, 'wrong_issuer'));

    it('another audience', () =>
      expectIdTokenRefused({ claims: (c) => ({ ...c, aud: 'someone-else' }) }, 'wrong_audience'));

    it('an extra untrusted audience', () =>
      expectIdTokenRefused(
        { claims: (c) => ({ ...c, aud: [CLIENT_ID, 'someone-else'] }) },
        'wrong_audience',
      ));

    it('a signature by a key the provider does not publish', () =>
      expectIdTokenRefused({ forgeSignature: true }, 'invalid_id_token', /signature/));

    it('expired', () =>
      expectIdTokenRefused(
        { claims: (c) => ({ ...c, exp: Math.floor(Date.now() / 1000) - 3600 }) },
        'invalid_id_token',
        /expired/,
      ));
  });
});
