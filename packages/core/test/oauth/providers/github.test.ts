import { describe, expect, it } from 'vitest';

import { createGithubProvider } from '../../../src/oauth/providers/github.js';
import { OAuthProviderError, type OAuthProviderSettings } from '../../../src/oauth/providers/types.js';
import { callbackUrl, expectNoLeak, FakeFetch, fixture, jsonResponse } from './fake-provider.js';

const CLIENT_ID = 'Ov23liFAKEgithubClient';
const CLIENT_SECRET = 'FAKEgithubClientSecret0123456789abcdef01';
const SETTINGS: OAuthProviderSettings = {
  kind: 'github',
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  scopes: [],
};
const AUTHORIZE = 'https://github.com/login/oauth/authorize';
const TOKEN_ENDPOINT = 'https://github.com/login/oauth/access_token';
const USER = 'https://api.github.com/user';
const EMAILS = 'https://api.github.com/user/emails?per_page=100';
const REDIRECT_URI = 'https://auth.example.com/api/v1/oauth/github/callback';
const STATE = 'st-github-7d2c1e0f9a8b';
const VERIFIER = 'pkce-verifier-FAKE-github-0123456789abcdefghijklmnopqrstuv';
const CODE = 'f1e2d3c4b5a6FAKEcode';
const ACCESS_TOKEN = fixture('github/token.json').access_token as string;

function setup(emails: unknown = fixture('github/emails.json')) {
  const fake = new FakeFetch()
    .on('POST', TOKEN_ENDPOINT, fixture('github/token.json'))
    .on('GET', USER, fixture('github/user.json'))
    .on('GET', EMAILS, emails);
  const provider = createGithubProvider('github', SETTINGS, { fetch: fake.fetch });
  return { fake, provider };
}

function callback(params: Record<string, string> = {}) {
  return {
    callbackUrl: callbackUrl(REDIRECT_URI, { code: CODE, state: STATE, ...params }),
    redirectUri: REDIRECT_URI,
    state: STATE,
    nonce: 'n-unused-by-github',
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

describe('GitHub: authorization URL', () => {
  it('asks for a code with PKCE S256 and state, and no nonce (no ID token)', async () => {
    const { provider, fake } = setup();
    const url = await provider.authorizationUrl({
      redirectUri: REDIRECT_URI,
      state: STATE,
      nonce: 'n-ignored',
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    });
    expect(`${url.origin}${url.pathname}`).toBe(AUTHORIZE);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      scope: 'read:user user:email',
      state: STATE,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    expect(provider).toMatchObject({ id: 'github', kind: 'github' });
    expect(fake.requests).toEqual([]);
  });
});

describe('GitHub: callback', () => {
  it('exchanges the code, reads /user and the primary verified email', async () => {
    const { provider, fake } = setup();
    expect(await provider.exchange(callback())).toEqual({
      subject: '58323112',
      email: 'ada.octo@example.com',
      emailVerified: true,
      name: 'Ada Octo',
    });
    const [token, user, emails] = fake.requests;
    expect(token?.url).toBe(TOKEN_ENDPOINT);
    expect(token?.method).toBe('POST');
    expect(token?.headers.accept).toBe('application/json');
    expect(Object.fromEntries(new URLSearchParams(token?.body))).toEqual({
      grant_type: 'authorization_code',
      code: CODE,
      redirect_uri: REDIRECT_URI,
      code_verifier: VERIFIER,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    for (const apiRequest of [user, emails]) {
      expect(apiRequest?.method).toBe('GET');
      expect(apiRequest?.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
      expect(apiRequest?.headers['user-agent']).toBe('Gatehouse');
      expect(apiRequest?.headers.accept).toBe('application/vnd.github+json');
    }
    expect([user?.url, emails?.url]).toEqual([USER, EMAILS]);
    // The secret and the verifier go to the token endpoint only, in its body.
    expectNoLeak(JSON.stringify([user, emails]) + token?.url + JSON.stringify(token?.headers), [
      CLIENT_SECRET,
      VERIFIER,
    ]);
  });

  it('falls back to the login when the profile has no name', async () => {
    const { provider, fake } = setup();
    fake.on('GET', USER, { ...fixture('github/user.json'), name: null });
    expect((await provider.exchange(callback())).name).toBe('octo-ada');
  });

  it('passes no email when the primary address is unverified, even with a verified secondary', async () => {
    const { provider } = setup(fixture('github/emails-unverified-primary.json'));
    expect(await provider.exchange(callback())).toEqual({
      subject: '58323112',
      email: null,
      emailVerified: false,
      name: 'Ada Octo',
    });
  });

  it('passes no email when no address is verified', async () => {
    const { provider } = setup(fixture('github/emails-none-verified.json'));
    expect(await provider.exchange(callback())).toMatchObject({ email: null, emailVerified: false });
  });
});

describe('GitHub: refusals', () => {
  it('treats an error in a 200 token response as a failed exchange', async () => {
    const { provider, fake } = setup();
    fake.on('POST', TOKEN_ENDPOINT, fixture('github/token-error.json'));
    const error = await refusal(provider.exchange(callback()));
    expect(error.reason).toBe('token_exchange_failed');
    expect(error.message).toContain('bad_verification_code');
    expect(fake.requests.map((request) => request.url)).toEqual([TOKEN_ENDPOINT]);
  });

  it('refuses a callback with another state before any request', async () => {
    const { provider, fake } = setup();
    expect((await refusal(provider.exchange(callback({ state: 'st-other' })))).reason).toBe('state_mismatch');
    expect(fake.requests).toEqual([]);
  });

  it('refuses a callback that repeats the state parameter', async () => {
    const { provider } = setup();
    const call = callback();
    call.callbackUrl.searchParams.append('state', 'st-other');
    expect((await refusal(provider.exchange(call))).reason).toBe('state_mismatch');
  });

  it('reports a cancelled authorization as access_denied', async () => {
    const { provider } = setup();
    const url = callbackUrl(REDIRECT_URI, {
      error: 'access_denied',
      error_description: 'The user has denied your application access.',
      error_uri: 'https://docs.github.com/apps/troubleshooting-authorization-request-errors/#access-denied',
      state: STATE,
    });
    expect((await refusal(provider.exchange({ ...callback(), callbackUrl: url }))).reason).toBe(
      'access_denied',
    );
  });

  it('reports a callback without a code', async () => {
    const { provider } = setup();
    const url = callbackUrl(REDIRECT_URI, { state: STATE });
    expect((await refusal(provider.exchange({ ...callback(), callbackUrl: url }))).reason).toBe(
      'invalid_callback',
    );
  });

  it('reports a user API failure as userinfo_failed', async () => {
    const { provider, fake } = setup();
    fake.on('GET', USER, () => jsonResponse(fixture('github/bad-credentials.json'), 401));
    expect((await refusal(provider.exchange(callback()))).reason).toBe('userinfo_failed');
  });

  it('reports an emails API failure as email_unavailable', async () => {
    const { provider, fake } = setup();
    fake.on('GET', EMAILS, () => jsonResponse(fixture('github/not-found.json'), 404));
    expect((await refusal(provider.exchange(callback()))).reason).toBe('email_unavailable');
  });

  it('reports a user without a numeric id', async () => {
    const { provider, fake } = setup();
    fake.on('GET', USER, { ...fixture('github/user.json'), id: '58323112' });
    expect((await refusal(provider.exchange(callback()))).reason).toBe('userinfo_failed');
  });
});
