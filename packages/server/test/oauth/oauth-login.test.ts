import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, OAuthAccountRepository } from '@gatehouse/core';
import type { TestServer } from '../helpers/test-gatehouse.js';
import { PASSWORD } from '../lifecycle/client.js';
import { claimsOf, mfaClient } from '../mfa/totp-client.js';
import { expectLandingError, PROVIDER, RETURN_TO } from './oauth-client.js';
import type { TestIdp } from './test-idp.js';
import { startTestbed, type Testbed } from './testbed.js';
import { storesOf } from '../helpers/stores.js';

describe('OAuth sign-in against a real OpenID provider', () => {
  const clock = new ManualClock(Date.now());
  let idp: TestIdp;
  let server: TestServer;
  let api: Testbed['api'];
  let mfa: ReturnType<typeof mfaClient>;
  let testbed: Testbed | undefined;

  beforeAll(async () => {
    testbed = await startTestbed({ clock });
    ({ idp, server, api } = testbed);
    mfa = mfaClient(server, clock);
  });
  afterAll(() => testbed?.close());

  it('first login creates a verified account keyed by the subject; tokens only through the exchange', async () => {
    idp.accounts.set('sub-new', {
      email: 'New.Person@example.com',
      email_verified: true,
      name: 'New Person',
    });
    const { landing, callback, verifier } = await api.journey('sub-new');
    expect(landing.origin + landing.pathname).toBe(RETURN_TO);
    const code = landing.searchParams.get('code')!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Tokens never travel in URLs.
    expect(landing.href).not.toMatch(/token|eyJ/i);
    expect(callback.headers['cache-control']).toBe('no-store');
    // The attempt is over: the binding cookie is cleared.
    expect(String(callback.headers['set-cookie'])).toMatch(
      /gh_oauth=;.*Max-Age=0|gh_oauth=;.*Expires=Thu, 01 Jan 1970/,
    );

    const exchanged = await api.exchange(code, verifier);
    expect(exchanged.statusCode, exchanged.body).toBe(200);
    const tokens = exchanged.json();
    expect(tokens.user).toMatchObject({
      email: 'New.Person@example.com',
      emailVerified: true,
      name: 'New Person',
    });
    expect(claimsOf(tokens.accessToken).amr).toEqual(['fed']);
    const accounts = await api.get('/oauth/accounts', tokens.accessToken);
    expect(accounts.json()).toEqual({
      accounts: [
        {
          id: expect.any(String),
          provider: PROVIDER,
          email: 'New.Person@example.com',
          createdAt: expect.any(String),
        },
      ],
    });
  });

  it('a repeat login maps to the same account, even after the provider email changed', async () => {
    idp.accounts.set('sub-repeat', { email: 'repeat@example.com', email_verified: true });
    const first = await api.oauthLogin('sub-repeat');
    idp.accounts.set('sub-repeat', { email: 'renamed@example.com', email_verified: true });
    const second = await api.oauthLogin('sub-repeat');
    expect(second.user.id).toBe(first.user.id);
    expect(second.user.email).toBe('repeat@example.com');
    expect(await storesOf(server.engine).users.findByEmail('default', 'renamed@example.com')).toBeUndefined();
  });

  it('an email the provider does not vouch for creates nothing (error=email_unverified)', async () => {
    idp.accounts.set('sub-unverified', { email: 'unsure@example.com', email_verified: false });
    const { landing } = await api.journey('sub-unverified');
    expectLandingError(landing, 'email_unverified');
    expect(await storesOf(server.engine).users.findByEmail('default', 'unsure@example.com')).toBeUndefined();
    idp.accounts.set('sub-no-email', {});
    expectLandingError((await api.journey('sub-no-email')).landing, 'email_unverified');
  });

  it('a verified password account with the same email is not logged into: account_exists_link_required', async () => {
    const ownerId = await server.createUser('owner@example.com', PASSWORD);
    idp.accounts.set('sub-lookalike', { email: 'OWNER@example.com', email_verified: true });
    const { landing } = await api.journey('sub-lookalike');
    expectLandingError(landing, 'account_exists_link_required');
    // Nothing was linked, the owner's password still works.
    expect(await server.engine.oauth.listAccounts({ userId: ownerId, sessionId: 'x' }, ctx())).toEqual([]);
    expect(
      (await api.post('/auth/login', { email: 'owner@example.com', password: PASSWORD })).statusCode,
    ).toBe(200);
    expect((await api.lastFailure()).reason).toBe('account_exists_link_required');
  });

  it('an unverified account with the same email is taken over: password, factors, identities and sessions gone', async () => {
    const { engine } = server;
    const { users, hasher, sessions } = storesOf(engine);
    const squatter = await users.create({
      tenant: 'default',
      email: 'victim@example.com',
      passwordHash: await hasher.hash(PASSWORD),
    });
    // The squatter's own provider identity and a live session on the account.
    const identities = new OAuthAccountRepository(engine.gatehouse.database.db);
    const squatterIdentity = {
      tenant: 'default',
      userId: squatter.id,
      provider: PROVIDER,
      subject: 'sub-squatter',
    };
    expect(await identities.link({ ...squatterIdentity, email: null }, new Date())).toBeDefined();
    const session = await sessions.createSession({
      ctx: ctx(),
      userId: squatter.id,
      authTime: clock.now(),
      amr: ['pwd'],
      versions: { rv: 1, pv: 1, av: 1 },
      roles: ['user'],
    });
    expect(session.ok).toBe(true);

    idp.accounts.set('sub-victim', { email: 'victim@example.com', email_verified: true });
    const tokens = await api.oauthLogin('sub-victim');
    expect(tokens.user).toMatchObject({ id: squatter.id, email: 'victim@example.com', emailVerified: true });
    expect(await users.passwordHash(squatter.id)).toBeUndefined();
    const login = await api.post('/auth/login', { email: 'victim@example.com', password: PASSWORD });
    expect(login.statusCode).toBe(401);
    if (session.ok) {
      const refresh = await api.post('/auth/refresh', { refreshToken: session.refreshToken });
      expect(refresh.statusCode).toBe(401);
    }
    const linked = await api.get('/oauth/accounts', tokens.accessToken);
    expect(linked.json().accounts).toEqual([
      expect.objectContaining({ provider: PROVIDER, email: 'victim@example.com' }),
    ]);
    expect(await identities.findByIdentity('default', PROVIDER, 'sub-squatter')).toBeUndefined();
  });

  it('an MFA-enrolled user stops at mfaRequired; the second factor finishes the sign-in', async () => {
    const { secret, session } = await mfa.enrolled('mfa@example.com');
    const link = await api.post(`/oauth/${PROVIDER}/link`, { redirectTo: RETURN_TO }, session.accessToken);
    expect(link.statusCode, link.body).toBe(200);
    idp.accounts.set('sub-mfa', { email: 'mfa-at-idp@example.com', email_verified: true });
    const linkedAt = await idp.signIn(link.json().authorizationUrl, 'sub-mfa');
    const linked = await api.callback(linkedAt, String(link.headers['set-cookie']).split(';')[0]);
    expect(new URL(String(linked.headers.location)).searchParams.get('linked')).toBe(PROVIDER);

    const { landing, verifier } = await api.journey('sub-mfa');
    const exchanged = await api.exchange(landing.searchParams.get('code')!, verifier);
    expect(exchanged.statusCode, exchanged.body).toBe(200);
    const challenge = exchanged.json();
    expect(challenge).toEqual({
      mfaRequired: true,
      challengeId: expect.any(String),
      methods: ['totp', 'backup_code'],
    });
    clock.advance(30_000); // the enrolment code counts as used
    const verified = await mfa.verify(challenge.challengeId, 'totp', mfa.code(secret));
    expect(verified.statusCode, verified.body).toBe(200);
    expect(claimsOf(verified.json().accessToken).amr).toEqual(expect.arrayContaining(['fed', 'otp', 'mfa']));
  });

  it('no audit event carries a secret of the flow (state, codes, verifier, cookie, tokens)', async () => {
    idp.accounts.set('sub-secrets', { email: 'secrets@example.com', email_verified: true });
    const { landing, callbackUrl, cookie, verifier } = await api.journey('sub-secrets');
    const code = landing.searchParams.get('code')!;
    const tokens = (await api.exchange(code, verifier)).json();
    await server.engine.audit.flush();
    const audit = JSON.stringify(server.auditEvents.events);
    const secrets = [
      code,
      verifier,
      cookie.split('=')[1]!,
      callbackUrl.searchParams.get('state')!,
      callbackUrl.searchParams.get('code')!,
      tokens.accessToken,
      tokens.refreshToken,
    ];
    for (const secret of secrets) expect(audit).not.toContain(secret);
  });

  it('the user saying no at the provider lands with error=access_denied', async () => {
    idp.accounts.set('sub-no', { email: 'no@example.com', email_verified: true });
    const { landing } = await api.journey('sub-no', { deny: true });
    expectLandingError(landing, 'access_denied');
  });
});

const ctx = () => ({ ip: '127.0.0.1', userAgent: 'vitest', requestId: 'test', tenant: 'default' });
