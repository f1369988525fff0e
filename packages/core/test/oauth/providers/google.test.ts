import { afterEach, describe, expect, it, vi } from 'vitest';

import { createGoogleProvider, GOOGLE_ISSUER } from '../../../src/oauth/providers/google.js';
import { OAuthProviderError, type OAuthProviderSettings } from '../../../src/oauth/providers/types.js';
import { callbackUrl, expectNoLeak, FakeFetch, fixture, TestKeys } from './fake-provider.js';

const CLAIMS = fixture('google/id-token.json');
const CLIENT_ID = CLAIMS.aud as string;
const CLIENT_SECRET = 'GOCSPX-FAKE-google-client-secret-0001';
const SETTINGS: OAuthProviderSettings = {
  kind: 'google',
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  scopes: [],
};
const DISCOVERY = fixture('google/openid-configuration.json');
const TOKEN_ENDPOINT = DISCOVERY.token_endpoint as string;
const JWKS_URI = DISCOVERY.jwks_uri as string;
const REDIRECT_URI = 'https://auth.example.com/api/v1/oauth/google/callback';
const STATE = 'st-4f1c0d8e2b9a47c6a1e3';
const NONCE = 'n-9b2e7d41c5a84f3b8e06';
const VERIFIER = 'pkce-verifier-FAKE-0123456789abcdefghijklmnopqrstuvwxyz';
const CODE = '4/0AVMBsJ-FAKE-authorization-code';
const ACCESS_TOKEN = fixture('google/token.json').access_token as string;
const NOW = Date.parse('2025-06-01T12:00:00Z');
const SECONDS = Math.floor(NOW / 1000);

// RSA key generation is slow: one test key set per file (each provider still fetches its JWKS).
let testKeys: Promise<TestKeys> | undefined;

async function setup(settings: OAuthProviderSettings = SETTINGS) {
  const keys = await (testKeys ??= TestKeys.forJwks('google/jwks.json'));
  const fake = new FakeFetch().on('GET', JWKS_URI, keys.jwks);
  const provider = createGoogleProvider('google', settings, { fetch: fake.fetch, clock: () => NOW });
  return { keys, fake, provider };
}

/** The token endpoint answers with an ID token of the recorded claims, changed by `claims`. */
async function serveIdToken(
  { fake, keys }: Awaited<ReturnType<typeof setup>>,
  claims: Record<string, unknown> = {},
  sign: Parameters<TestKeys['sign']>[1] = {},
) {
  const idToken = await keys.sign(
    { ...CLAIMS, iat: SECONDS - 5, exp: SECONDS + 3595, nonce: NONCE, ...claims },
    sign,
  );
  fake.on('POST', TOKEN_ENDPOINT, { ...fixture('google/token.json'), id_token: idToken });
  return idToken;
}

/** The callback as Google sends it (it adds `iss`, `scope`, `authuser`, `prompt`). */
function callback(params: Record<string, string> = {}) {
  return {
    callbackUrl: callbackUrl(REDIRECT_URI, {
      state: STATE,
      iss: GOOGLE_ISSUER,
      code: CODE,
      scope: 'email profile openid https://www.googleapis.com/auth/userinfo.email',
      authuser: '0',
      prompt: 'consent',
      ...params,
    }),
    redirectUri: REDIRECT_URI,
    state: STATE,
    nonce: NONCE,
    codeVerifier: VERIFIER,
  };
}

async function refusal(promise: Promise<unknown>): Promise<OAuthProviderError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OAuthProviderError);
  const refused = error as OAuthProviderError;
  expectNoLeak(refused.message, [CLIENT_SECRET, ACCESS_TOKEN, CODE, VERIFIER]);
  return refused;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Google: authorization URL', () => {
  it('asks for a code with PKCE S256, state, nonce and the exact redirect URI', async () => {
    const { provider, fake } = await setup();
    const redirectUri = 'https://auth.example.com/api/v1/oauth/google/callback?tenant=acme';
    const url = await provider.authorizationUrl({
      redirectUri,
      state: STATE,
      nonce: NONCE,
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    });
    expect(`${url.origin}${url.pathname}`).toBe(DISCOVERY.authorization_endpoint);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      state: STATE,
      nonce: NONCE,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    expect(provider).toMatchObject({ id: 'google', kind: 'google' });
    // Pinned metadata: building the URL needs no request.
    expect(fake.requests).toEqual([]);
  });

  it('adds configured scopes once', async () => {
    const { provider } = await setup({
      ...SETTINGS,
      scopes: ['email', 'https://www.googleapis.com/auth/calendar.readonly'],
    });
    const url = await provider.authorizationUrl({
      redirectUri: REDIRECT_URI,
      state: STATE,
      nonce: NONCE,
      codeChallenge: 'c',
    });
    expect(url.searchParams.get('scope')).toBe(
      'openid email profile https://www.googleapis.com/auth/calendar.readonly',
    );
  });

  it('pins the endpoints Google’s discovery document names', async () => {
    const { provider, fake, keys } = await setup();
    const url = await provider.authorizationUrl({
      redirectUri: REDIRECT_URI,
      state: STATE,
      nonce: NONCE,
      codeChallenge: 'c',
    });
    expect(DISCOVERY.issuer).toBe(GOOGLE_ISSUER);
    expect(url.href.startsWith(`${DISCOVERY.authorization_endpoint as string}?`)).toBe(true);
    expect(DISCOVERY.code_challenge_methods_supported).toContain('S256');
    await serveIdToken({ fake, keys, provider });
    await provider.exchange(callback());
    expect(fake.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      `POST ${TOKEN_ENDPOINT}`,
      `GET ${JWKS_URI}`,
    ]);
  });
});

describe('Google: callback', () => {
  it('exchanges the code with the PKCE verifier and client authentication, and maps the ID token', async () => {
    const context = await setup();
    const log = vi.spyOn(console, 'log');
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    await serveIdToken(context);
    const identity = await context.provider.exchange(callback());
    expect(identity).toEqual({
      subject: CLAIMS.sub,
      email: 'ada.lovelace.example@gmail.com',
      emailVerified: true,
      name: 'Ada Lovelace',
    });
    const [tokenRequest] = context.fake.requestsTo(TOKEN_ENDPOINT);
    expect(tokenRequest?.method).toBe('POST');
    expect(tokenRequest?.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(tokenRequest?.body))).toEqual({
      grant_type: 'authorization_code',
      code: CODE,
      redirect_uri: REDIRECT_URI,
      code_verifier: VERIFIER,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    // The secret travels only in that body: not in a URL, a header, or any other request.
    for (const request of context.fake.requests) {
      expectNoLeak(request.url + JSON.stringify(request.headers), [CLIENT_SECRET]);
    }
    const others = context.fake.requests.filter((request) => request !== tokenRequest);
    expectNoLeak(JSON.stringify(others), [CLIENT_SECRET, VERIFIER]);
    for (const spy of [log, warn, error]) expect(spy).not.toHaveBeenCalled();
  });

  it('trusts email_verified for a Google Workspace address (hd claim)', async () => {
    const context = await setup();
    await serveIdToken(context, {
      email: 'ada@analytical-engines.example',
      hd: 'analytical-engines.example',
    });
    expect(await context.provider.exchange(callback())).toMatchObject({
      email: 'ada@analytical-engines.example',
      emailVerified: true,
    });
  });

  it('does not trust email_verified for an outside address Google does not host', async () => {
    const context = await setup();
    await serveIdToken(context, { email: 'ada@mailbox.example', email_verified: true });
    expect(await context.provider.exchange(callback())).toMatchObject({
      email: 'ada@mailbox.example',
      emailVerified: false,
    });
  });

  it('does not trust an address whose domain differs from hd', async () => {
    const context = await setup();
    await serveIdToken(context, { email: 'ada@elsewhere.example', hd: 'analytical-engines.example' });
    expect(await context.provider.exchange(callback())).toMatchObject({ emailVerified: false });
  });

  it('passes email_verified false through, and a token without email as null', async () => {
    const unverified = await setup();
    await serveIdToken(unverified, { email_verified: false });
    expect(await unverified.provider.exchange(callback())).toMatchObject({ emailVerified: false });
    const noEmail = await setup();
    await serveIdToken(noEmail, { email: undefined, email_verified: undefined, name: undefined });
    expect(await noEmail.provider.exchange(callback())).toEqual({
      subject: CLAIMS.sub,
      email: null,
      emailVerified: false,
      name: null,
    });
  });
});

describe('Google: refusals', () => {
  it.each([
    ['another audience', { aud: '999-other-app.apps.googleusercontent.com' }, 'wrong_audience'],
    ['another issuer', { iss: 'https://accounts.google.example' }, 'wrong_issuer'],
    ['the issuer without https', { iss: 'accounts.google.com' }, 'wrong_issuer'],
    ['an expired token', { iat: SECONDS - 7200, exp: SECONDS - 3600 }, 'invalid_id_token'],
    ['another nonce', { nonce: 'n-replayed-from-another-login' }, 'nonce_mismatch'],
    ['no nonce', { nonce: undefined }, 'invalid_id_token'],
  ])('refuses an ID token with %s', async (_label, claims, reason) => {
    const context = await setup();
    await serveIdToken(context, claims);
    expect((await refusal(context.provider.exchange(callback()))).reason).toBe(reason);
  });

  it('refuses an ID token signed by a key Google does not publish', async () => {
    const context = await setup();
    await serveIdToken(context, {}, { key: await TestKeys.stranger() });
    const error = await refusal(context.provider.exchange(callback()));
    expect(error.reason).toBe('invalid_id_token');
    expect(error.message).toContain('signature');
  });

  it('refuses an ID token under an unknown key id', async () => {
    const context = await setup();
    await serveIdToken(context, {}, { kid: 'unknown-kid', key: await TestKeys.stranger() });
    expect((await refusal(context.provider.exchange(callback()))).reason).toBe('invalid_id_token');
  });

  it('refuses a callback with another state before any request', async () => {
    const context = await setup();
    await serveIdToken(context);
    const error = await refusal(context.provider.exchange(callback({ state: 'st-from-another-browser' })));
    expect(error.reason).toBe('state_mismatch');
    expect(context.fake.requests).toEqual([]);
  });

  it('refuses a callback naming another issuer', async () => {
    const context = await setup();
    const error = await refusal(context.provider.exchange(callback({ iss: 'https://idp.example' })));
    expect(error.reason).toBe('wrong_issuer');
  });

  it('reports a refused consent as access_denied', async () => {
    const context = await setup();
    const url = callbackUrl(REDIRECT_URI, { error: 'access_denied', state: STATE });
    const error = await refusal(context.provider.exchange({ ...callback(), callbackUrl: url }));
    expect(error.reason).toBe('access_denied');
  });

  it('reports a code the token endpoint refuses, without echoing the secret', async () => {
    const context = await setup();
    context.fake.on('POST', TOKEN_ENDPOINT, () =>
      Response.json(fixture('google/token-error.json'), { status: 400 }),
    );
    const error = await refusal(context.provider.exchange(callback()));
    expect(error.reason).toBe('token_exchange_failed');
    expect(error.message).toContain('invalid_grant');
  });

  it('reports an unreachable token endpoint', async () => {
    const context = await setup();
    expect((await refusal(context.provider.exchange(callback()))).reason).toBe('token_exchange_failed');
  });
});
