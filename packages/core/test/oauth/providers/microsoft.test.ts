import { describe, expect, it } from 'vitest';

import { createMicrosoftProvider, isMicrosoftMultiTenant } from '../../../src/oauth/providers/microsoft.js';
import { OAuthProviderError, type OAuthProviderSettings } from '../../../src/oauth/providers/types.js';
import { callbackUrl, expectNoLeak, FakeFetch, fixture, jsonResponse, TestKeys } from './fake-provider.js';

const LOGIN = 'https://login.microsoftonline.com';
const CLAIMS = fixture('microsoft/id-token.json');
const TENANT = CLAIMS.tid as string;
const OTHER_TENANT = 'b8e2d4c6-1a3f-4e5d-8c7b-9f0e1d2c3b4a';
const CONSUMERS_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const CLIENT_ID = CLAIMS.aud as string;
const CLIENT_SECRET = 'FAKE8Q~microsoftClientSecret.0123456789abcd';
const REDIRECT_URI = 'https://auth.example.com/api/v1/oauth/microsoft/callback';
const STATE = 'st-ms-0a1b2c3d4e5f';
const NONCE = 'n-ms-6a7b8c9d0e1f';
const VERIFIER = 'pkce-verifier-FAKE-microsoft-0123456789abcdefghijklmnopqrst';
const CODE = '1.AXkAFAKE-microsoft-authorization-code';
const ACCESS_TOKEN = fixture('microsoft/token.json').access_token as string;
const NOW = Date.parse('2025-06-01T12:00:00Z');
const SECONDS = Math.floor(NOW / 1000);

const settings = (issuer?: string): OAuthProviderSettings => ({
  kind: 'microsoft',
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  issuer,
  scopes: [],
});

/** Where discovery for `tenant` (`common`, a GUID...) lives, and the document it serves. */
function discoveryOf(tenant: string) {
  const file =
    tenant === 'consumers'
      ? 'openid-configuration-consumers.json'
      : tenant === TENANT
        ? 'openid-configuration-tenant.json'
        : 'openid-configuration-common.json';
  const document = fixture(`microsoft/${file}`);
  return { url: `${LOGIN}/${tenant}/v2.0/.well-known/openid-configuration`, document };
}

let testKeys: Promise<TestKeys> | undefined;

async function setup(tenant = 'common', issuer: string | undefined = undefined) {
  const keys = await (testKeys ??= TestKeys.forJwks('microsoft/jwks.json'));
  const { url, document } = discoveryOf(tenant);
  const fake = new FakeFetch().on('GET', url, document).on('GET', document.jwks_uri as string, keys.jwks);
  const provider = createMicrosoftProvider('microsoft', settings(issuer), {
    fetch: fake.fetch,
    clock: () => NOW,
  });
  return { keys, fake, provider, tokenEndpoint: document.token_endpoint as string };
}

type Context = Awaited<ReturnType<typeof setup>>;

/** A token response whose ID token has the recorded claims, changed by `claims`, signed as Microsoft would. */
async function serveIdToken(context: Context, claims: Record<string, unknown> = {}) {
  const idToken = await context.keys.sign({
    ...CLAIMS,
    iat: SECONDS - 5,
    nbf: SECONDS - 5,
    exp: SECONDS + 3595,
    nonce: NONCE,
    ...claims,
  });
  context.fake.on('POST', context.tokenEndpoint, { ...fixture('microsoft/token.json'), id_token: idToken });
}

/** Claims of a user of `tenant` (iss and tid agree). */
const ofTenant = (tenant: string) => ({ iss: `${LOGIN}/${tenant}/v2.0`, tid: tenant });

function callback() {
  return {
    callbackUrl: callbackUrl(REDIRECT_URI, {
      code: CODE,
      state: STATE,
      session_state: '004c1e3d-79b2-4ea4-b6c1-2f3e4d5c6b7a',
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

describe('Microsoft: authorization URL', () => {
  it('discovers the multi-tenant endpoint once and asks for a code with PKCE S256, state and nonce', async () => {
    const { provider, fake } = await setup();
    const request = {
      redirectUri: REDIRECT_URI,
      state: STATE,
      nonce: NONCE,
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    };
    const url = await provider.authorizationUrl(request);
    await provider.authorizationUrl(request);
    expect(`${url.origin}${url.pathname}`).toBe(`${LOGIN}/common/oauth2/v2.0/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      scope: 'openid email profile',
      state: STATE,
      nonce: NONCE,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    expect(fake.requests.map((r) => r.url)).toEqual([discoveryOf('common').url]);
    expect(provider).toMatchObject({ id: 'microsoft', kind: 'microsoft' });
  });

  it('knows the multi-tenant endpoints', () => {
    expect(isMicrosoftMultiTenant(`${LOGIN}/common/v2.0`)).toBe(true);
    expect(isMicrosoftMultiTenant(`${LOGIN}/organizations/v2.0`)).toBe(true);
    expect(isMicrosoftMultiTenant(`${LOGIN}/consumers/v2.0`)).toBe(true);
    expect(isMicrosoftMultiTenant(`${LOGIN}/${TENANT}/v2.0`)).toBe(false);
  });
});

describe('Microsoft: multi-tenant endpoint', () => {
  it('maps the ID token, and never treats its email as verified', async () => {
    const context = await setup();
    await serveIdToken(context, { xms_edov: true });
    expect(await context.provider.exchange(callback())).toEqual({
      subject: CLAIMS.sub,
      email: 'grace.hopper@contoso.example',
      emailVerified: false,
      name: 'Grace Hopper',
    });
    const [tokenRequest] = context.fake.requestsTo(context.tokenEndpoint);
    expect(Object.fromEntries(new URLSearchParams(tokenRequest?.body))).toEqual({
      grant_type: 'authorization_code',
      code: CODE,
      redirect_uri: REDIRECT_URI,
      code_verifier: VERIFIER,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    const others = context.fake.requests.filter((request) => request !== tokenRequest);
    expectNoLeak(JSON.stringify(others) + JSON.stringify(tokenRequest?.headers), [CLIENT_SECRET]);
  });

  it('accepts users of any tenant, with iss naming their own tenant', async () => {
    const context = await setup();
    await serveIdToken(context, ofTenant(OTHER_TENANT));
    expect(await context.provider.exchange(callback())).toMatchObject({ emailVerified: false });
  });

  it('refuses an iss that names another tenant than tid', async () => {
    const context = await setup();
    await serveIdToken(context, { iss: `${LOGIN}/${TENANT}/v2.0`, tid: OTHER_TENANT });
    expect((await refusal(context.provider.exchange(callback()))).reason).toBe('wrong_issuer');
  });

  it('refuses an iss on another host, even with a matching tid', async () => {
    const context = await setup();
    await serveIdToken(context, { iss: `https://login.microsoftonline.example/${TENANT}/v2.0` });
    expect((await refusal(context.provider.exchange(callback()))).reason).toBe('wrong_issuer');
  });

  it.each([
    ['no tid', { tid: undefined }],
    ['a tid that is not a GUID', { tid: 'evil.example/x', iss: `${LOGIN}/evil.example/x/v2.0` }],
  ])('refuses a token with %s', async (_label, claims) => {
    const context = await setup();
    await serveIdToken(context, claims);
    expect((await refusal(context.provider.exchange(callback()))).reason).toBe('invalid_id_token');
  });

  it('treats organizations like common', async () => {
    const context = await setup('organizations', `${LOGIN}/organizations/v2.0`);
    await serveIdToken(context, ofTenant(OTHER_TENANT));
    expect(await context.provider.exchange(callback())).toMatchObject({ emailVerified: false });
  });

  it('accepts personal accounts from consumers, never verified', async () => {
    const context = await setup('consumers', `${LOGIN}/consumers/v2.0`);
    await serveIdToken(context, { ...ofTenant(CONSUMERS_TENANT), email: 'grace@outlook.example' });
    expect(await context.provider.exchange(callback())).toMatchObject({
      email: 'grace@outlook.example',
      emailVerified: false,
    });
  });

  it.each([
    ['another nonce', { nonce: 'n-other' }, 'nonce_mismatch'],
    ['another audience', { aud: '00000003-0000-0000-c000-000000000000' }, 'wrong_audience'],
    ['an expired token', { exp: SECONDS - 600 }, 'invalid_id_token'],
  ])('refuses an ID token with %s', async (_label, claims, reason) => {
    const context = await setup();
    await serveIdToken(context, claims);
    expect((await refusal(context.provider.exchange(callback()))).reason).toBe(reason);
  });

  it('reports a redeemed code without echoing Microsoft’s description', async () => {
    const context = await setup();
    context.fake.on('POST', context.tokenEndpoint, () =>
      jsonResponse(fixture('microsoft/token-error.json'), 400),
    );
    const error = await refusal(context.provider.exchange(callback()));
    expect(error.reason).toBe('token_exchange_failed');
    expect(error.message).toContain('invalid_grant');
    expect(error.message).not.toContain('AADSTS');
  });
});

describe('Microsoft: single-tenant issuer', () => {
  const issuer = `${LOGIN}/${TENANT}/v2.0`;

  it('verifies the email only with xms_edov: true', async () => {
    const verified = await setup(TENANT, issuer);
    await serveIdToken(verified, { xms_edov: true });
    expect(await verified.provider.exchange(callback())).toMatchObject({
      email: 'grace.hopper@contoso.example',
      emailVerified: true,
    });
    for (const xmsEdov of [undefined, false, 'true', 1]) {
      const context = await setup(TENANT, issuer);
      await serveIdToken(context, { xms_edov: xmsEdov });
      expect(await context.provider.exchange(callback()), String(xmsEdov)).toMatchObject({
        emailVerified: false,
      });
    }
  });

  it('passes no email when the token has none (preferred_username is not an email)', async () => {
    const context = await setup(TENANT, issuer);
    await serveIdToken(context, { email: undefined });
    expect(await context.provider.exchange(callback())).toMatchObject({ email: null, emailVerified: false });
  });

  it('refuses a token issued by another tenant', async () => {
    const context = await setup(TENANT, issuer);
    await serveIdToken(context, ofTenant(OTHER_TENANT));
    expect((await refusal(context.provider.exchange(callback()))).reason).toBe('wrong_issuer');
  });

  it('refuses discovery naming another issuer, and tries again next time', async () => {
    const byDomain = `${LOGIN}/contoso.onmicrosoft.example/v2.0`;
    const { fake, provider } = await setup(TENANT, byDomain);
    // Microsoft serves the GUID-named document for a domain-named tenant.
    fake.on('GET', `${byDomain}/.well-known/openid-configuration`, discoveryOf(TENANT).document);
    const request = { redirectUri: REDIRECT_URI, state: STATE, nonce: NONCE, codeChallenge: 'c' };
    expect((await refusal(provider.authorizationUrl(request))).reason).toBe('discovery_failed');
    expect((await refusal(provider.authorizationUrl(request))).reason).toBe('discovery_failed');
    expect(fake.requestsTo(`${byDomain}/.well-known/openid-configuration`)).toHaveLength(2);
  });
});
