import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@gatehouse/core';
import { createTestServer, type TestServer } from '../helpers/test-gatehouse.js';
import { PASSWORD } from '../lifecycle/client.js';
import { claimsOf } from '../mfa/totp-client.js';
import { passkeyClient } from './passkey-client.js';

const CHEAP = { passwords: { argon2: { memoryKiB: 1024, iterations: 1 } } };

describe('passkeys over HTTP', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0));
  let server: TestServer;
  let api: ReturnType<typeof passkeyClient>;
  beforeAll(async () => {
    server = await createTestServer(
      { ...CHEAP, rateLimits: { codeSubmissions: { perIp: 1000 } } },
      { clock },
    );
    await server.app.ready();
    api = passkeyClient(server, clock);
  });
  afterAll(() => server.close());

  const signedUp = async (email: string) => {
    await server.createUser(email, PASSWORD);
    return api.login(email);
  };
  const lastFailure = async () => {
    await server.engine.audit.flush();
    return server.auditEvents.events.findLast((event) => event.type === 'webauthn.assertion_failed')?.reason;
  };
  const auditTypes = async () => {
    await server.engine.audit.flush();
    return server.auditEvents.events.map((event) => event.type);
  };

  it('registers a passkey, then signs in with it by email and username-less (UV: hwk+mfa)', async () => {
    await server.createUser('alice@example.com', PASSWORD);
    const elsewhere = await api.login('alice@example.com');
    const session = await api.login('alice@example.com');
    const key = api.authenticator();
    const options = await api.inject(
      'POST',
      '/auth/webauthn/register/options',
      undefined,
      session.accessToken,
    );
    expect(options.json()).toMatchObject({
      rp: { id: 'localhost', name: 'Gatehouse' },
      user: { id: Buffer.from(session.user.id).toString('base64url'), name: 'alice@example.com' },
      attestation: 'none',
      excludeCredentials: [],
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    expect(options.json().challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const credential = await api.enrol(session.accessToken, key, 'Work laptop');
    expect(credential.name).toBe('Work laptop');
    // A factor changed: the other sessions end, this one stays, the address is told.
    expect((await api.get('/auth/me', elsewhere.accessToken)).statusCode).toBe(401);
    expect((await api.get('/auth/me', session.accessToken)).statusCode).toBe(200);
    expect((await api.lastMessage('alice@example.com', 'mfa_changed')).text).toMatch(/passkey added/);

    const byEmail = await api.signIn(key, 'alice@example.com');
    expect(byEmail.statusCode, byEmail.body).toBe(200);
    expect(claimsOf(byEmail.json().accessToken).amr).toEqual(['hwk', 'mfa']);
    expect(byEmail.json().user.mfaEnabled).toBe(true);

    const discoverable = await api.signInOptions();
    expect(discoverable.allowCredentials).toEqual([]);
    // No body at all is the same request as {}.
    const bare = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/webauthn/authenticate/options',
    });
    expect(bare.statusCode, bare.body).toBe(200);
    expect(bare.json().allowCredentials).toEqual([]);
    const username_less = await api.verifyAssertion(key.assert(discoverable));
    expect(username_less.statusCode, username_less.body).toBe(200);
    expect(username_less.json().user.id).toBe(session.user.id);

    const listed = await api.get('/auth/webauthn/credentials', session.accessToken);
    expect(listed.json()).toEqual({
      credentials: [
        {
          id: credential.id,
          name: 'Work laptop',
          createdAt: new Date(clock.now()).toISOString(),
          lastUsedAt: new Date(clock.now()).toISOString(),
          deviceType: 'singleDevice',
          backedUp: false,
          transports: ['hybrid', 'internal'],
        },
      ],
    });
    expect(await auditTypes()).toContain('webauthn.passkey_added');
  });

  it('without user verification a passkey is one factor: another enrolled factor is asked for', async () => {
    const { secret, session } = await api.enrolled('both@example.com');
    const noUv = api.authenticator({ userVerified: false });
    await api.enrol(session.accessToken, noUv);

    const first = await api.signIn(noUv, 'both@example.com');
    expect(first.statusCode, first.body).toBe(200);
    // The passkey just used is not offered as its own second factor; the password is.
    expect(first.json()).toEqual({
      mfaRequired: true,
      challengeId: expect.any(String),
      methods: ['totp', 'backup_code', 'password'],
    });
    clock.advance(30_000);
    const finished = await api.verify(first.json().challengeId, 'totp', api.code(secret));
    expect(finished.statusCode, finished.body).toBe(200);
    expect(claimsOf(finished.json().accessToken).amr).toEqual(['hwk', 'otp', 'mfa']);

    // With user verification the same account signs in at once.
    const uv = api.authenticator();
    await api.enrol(session.accessToken, uv);
    const direct = await api.signIn(uv, 'both@example.com');
    expect(claimsOf(direct.json().accessToken).amr).toEqual(['hwk', 'mfa']);
  });

  it('a passkey is a second factor after a password: mfa/challenge gives options, mfa/verify takes the assertion', async () => {
    const session = await signedUp('second@example.com');
    const key = api.authenticator({ userVerified: false });
    const { id } = await api.enrol(session.accessToken, key);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const { challengeId, methods } = await api.challenge('second@example.com');
    expect(methods).toEqual(['webauthn']);

    const options = await api.post('/auth/mfa/challenge', { challengeId, method: 'webauthn' });
    expect(options.statusCode, options.body).toBe(200);
    expect(options.json().allowCredentials).toEqual([
      { id: key.credentialId, type: 'public-key', transports: ['hybrid', 'internal'] },
    ]);
    expect(options.json().userVerification).toBe('discouraged');

    // A sign-in challenge is not this login challenge's: refused, and counted against it.
    const stray = key.assert(await api.signInOptions());
    const refused = await api.post('/auth/mfa/verify', {
      challengeId,
      method: 'webauthn',
      credential: stray,
    });
    expect(refused.json().code).toBe('invalid_code');
    expect(await lastFailure()).toBe('wrong_purpose');

    const credential = key.assert(options.json());
    const verified = await api.post('/auth/mfa/verify', { challengeId, method: 'webauthn', credential });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(claimsOf(verified.json().accessToken).amr).toEqual(['pwd', 'hwk', 'mfa']);
  });

  it('an assertion is single-use: the same one twice is refused the second time', async () => {
    const session = await signedUp('replay@example.com');
    const key = api.authenticator();
    await api.enrol(session.accessToken, key);
    const assertion = await api.assertion(key, 'replay@example.com');
    expect((await api.verifyAssertion(assertion)).statusCode).toBe(200);
    const again = await api.verifyAssertion(assertion);
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe('invalid_credentials');
    expect(await lastFailure()).toBe('unknown_challenge');
  });

  it('of parallel verifications of one assertion exactly one signs in', async () => {
    const session = await signedUp('parallel@example.com');
    const key = api.authenticator();
    await api.enrol(session.accessToken, key);
    const assertion = await api.assertion(key, 'parallel@example.com');
    const results = await Promise.all(Array.from({ length: 8 }, () => api.verifyAssertion(assertion)));
    expect(results.map((result) => result.statusCode).sort()).toEqual([200, ...Array(7).fill(401)]);
  });

  it('refuses another origin or RP ID, in registration and in sign-in', async () => {
    const session = await signedUp('origin@example.com');
    const key = api.authenticator();
    const phished = await api.registerPasskey(session.accessToken, key, { origin: 'https://evil.example' });
    expect(phished.statusCode).toBe(400);
    expect(phished.json().code).toBe('invalid_passkey');
    const otherRp = await api.registerPasskey(session.accessToken, key, { rpId: 'evil.example' });
    expect(otherRp.json().code).toBe('invalid_passkey');
    expect((await api.get('/auth/webauthn/credentials', session.accessToken)).json().credentials).toEqual([]);

    await api.enrol(session.accessToken, key);
    for (const ceremony of [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }]) {
      const response = await api.signIn(key, 'origin@example.com', ceremony);
      expect(response.statusCode).toBe(401);
      expect(await lastFailure()).toBe('verification_failed');
    }
    expect((await api.signIn(key, 'origin@example.com')).statusCode).toBe(200);
  });

  it('a sign counter that does not move forward (a cloned authenticator) is refused and audited', async () => {
    const session = await signedUp('clone@example.com');
    const key = api.authenticator();
    await api.enrol(session.accessToken, key);
    expect((await api.signIn(key, 'clone@example.com')).statusCode).toBe(200);
    expect((await api.signIn(key, 'clone@example.com')).statusCode).toBe(200); // stored counter: 2
    for (const counter of [1, 2]) {
      const cloned = await api.signIn(key, 'clone@example.com', { counter });
      expect(cloned.statusCode).toBe(401);
    }
    await server.engine.audit.flush();
    const flagged = server.auditEvents.events.filter((event) => event.type === 'webauthn.counter_regression');
    expect(flagged.at(-1)).toMatchObject({
      userId: session.user.id,
      data: { storedCounter: 2, receivedCounter: 2 },
    });
    expect((await api.signIn(key, 'clone@example.com')).statusCode).toBe(200); // counter 3
  });

  it("another user's session cannot remove (404) or re-register (409) a passkey", async () => {
    const alice = await signedUp('owner@example.com');
    const bob = await signedUp('intruder@example.com');
    const key = api.authenticator();
    const { id } = await api.enrol(alice.accessToken, key);

    const removed = await api.inject(
      'DELETE',
      `/auth/webauthn/credentials/${id}`,
      undefined,
      bob.accessToken,
    );
    expect(removed.statusCode).toBe(404);
    expect((await api.get('/auth/webauthn/credentials', bob.accessToken)).json().credentials).toEqual([]);
    expect((await api.registerPasskey(bob.accessToken, key)).statusCode).toBe(409);
    expect(
      (await api.inject('DELETE', '/auth/webauthn/credentials/not-a-uuid', undefined, bob.accessToken))
        .statusCode,
    ).toBe(404);

    const own = await api.inject('DELETE', `/auth/webauthn/credentials/${id}`, undefined, alice.accessToken);
    expect(own.statusCode).toBe(204);
    expect((await api.lastMessage('owner@example.com', 'mfa_changed')).text).toMatch(/passkey removed/);
    expect((await api.signIn(key)).statusCode).toBe(401);
  });

  it('answers an address without passkeys with deterministic decoys shaped like real credentials', async () => {
    const session = await signedUp('real@example.com');
    await api.enrol(session.accessToken, api.authenticator());
    const real = (await api.signInOptions('real@example.com')).allowCredentials;
    const unknown = (await api.signInOptions('nobody@example.com')).allowCredentials;
    const again = (await api.signInOptions('NoBody@Example.com ')).allowCredentials;
    const other = (await api.signInOptions('someone-else@example.com')).allowCredentials;
    const passwordOnly = (await api.signInOptions((await signedUp('nopasskey@example.com')).user.email))
      .allowCredentials;

    expect(again).toEqual(unknown);
    expect(other).not.toEqual(unknown);
    for (const list of [unknown, other, passwordOnly]) {
      expect(list).toHaveLength(real.length);
      expect(Object.keys(list[0]).sort()).toEqual(Object.keys(real[0]).sort());
      expect(list[0]).toMatchObject({
        type: 'public-key',
        id: expect.stringMatching(/^[A-Za-z0-9_-]{22,}$/),
      });
      expect(list[0].transports.length).toBeGreaterThan(0);
    }
  });

  it('registration and removal need a recent sign-in; a user-verified passkey is a step-up', async () => {
    const session = await signedUp('stepup@example.com');
    const key = api.authenticator();
    const { id } = await api.enrol(session.accessToken, key);
    clock.advance(6 * 60_000);
    const options = await api.inject(
      'POST',
      '/auth/webauthn/register/options',
      undefined,
      session.accessToken,
    );
    expect(options.statusCode).toBe(403);
    expect(options.json().code).toBe('step_up_required');
    const late = api.authenticator().register({
      challenge: options.json().requestId.padEnd(43, 'A').slice(0, 43),
      rp: { id: 'localhost', name: 'Gatehouse' },
      user: { id: 'x', name: 'x' },
    });
    const verify = await api.inject('POST', '/auth/webauthn/register/verify', late, session.accessToken);
    expect(verify.json().code).toBe('step_up_required');
    const removal = await api.inject(
      'DELETE',
      `/auth/webauthn/credentials/${id}`,
      undefined,
      session.accessToken,
    );
    expect(removal.json().code).toBe('step_up_required');
    expect((await api.get('/auth/webauthn/credentials', session.accessToken)).statusCode).toBe(200);

    // Without UV the passkey alone is possession only: the account's password is asked for.
    const withoutUv = await api.assertion(key, undefined, { userVerified: false });
    const weak = await api.post('/auth/step-up', { credential: withoutUv }, session.accessToken);
    expect(weak.json()).toMatchObject({ mfaRequired: true, methods: ['password'] });
    // Or the password comes with it: the passkey is the second factor after it, as at login.
    const noUv = () => api.assertion(key, undefined, { userVerified: false });
    const wrong = { credential: await noUv(), password: 'not the password' };
    expect((await api.post('/auth/step-up', wrong, session.accessToken)).json().code).toBe(
      'invalid_current_password',
    );
    const both = await api.post(
      '/auth/step-up',
      { credential: await noUv(), password: PASSWORD },
      session.accessToken,
    );
    expect(both.statusCode, both.body).toBe(200);
    expect(claimsOf(both.json().accessToken).amr).toEqual(['pwd', 'hwk', 'mfa']);

    clock.advance(6 * 60_000);
    const stepped = await api.post(
      '/auth/step-up',
      { credential: await api.assertion(key) },
      both.json().accessToken,
    );
    expect(stepped.statusCode, stepped.body).toBe(200);
    expect(claimsOf(stepped.json().accessToken)).toMatchObject({
      amr: ['hwk', 'mfa'],
      auth_time: Math.floor(clock.now() / 1000),
      sid: session.sessionId,
    });
    const fresh = stepped.json().accessToken;
    const removed = await api.inject('DELETE', `/auth/webauthn/credentials/${id}`, undefined, fresh);
    expect(removed.statusCode).toBe(204);
  });
});

describe('passkeys across tenants', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0));
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer(
      { ...CHEAP, tenancy: { multiTenant: true, tenants: ['acme', 'globex'] } },
      { clock },
    );
    await server.app.ready();
  });
  afterAll(() => server.close());

  it("a credential of tenant acme never signs in on globex, by email, username-less, or with acme's challenge", async () => {
    const acme = passkeyClient(server, clock, { 'x-tenant-id': 'acme' });
    const globex = passkeyClient(server, clock, { 'x-tenant-id': 'globex' });
    await server.createUser('same@example.com', PASSWORD, { tenant: 'acme' });
    await server.createUser('same@example.com', PASSWORD, { tenant: 'globex' });
    const login = await acme.inject('POST', '/auth/login', { email: 'same@example.com', password: PASSWORD });
    const key = acme.authenticator();
    await acme.enrol(login.json().accessToken, key);

    const byEmail = key.assert(await globex.signInOptions('same@example.com'), { ignoreAllowList: true });
    expect((await globex.verifyAssertion(byEmail)).statusCode).toBe(401);
    await server.engine.audit.flush();
    expect(server.auditEvents.events.at(-1)).toMatchObject({
      tenant: 'globex',
      reason: 'unknown_credential',
    });
    expect((await globex.verifyAssertion(key.assert(await globex.signInOptions()))).statusCode).toBe(401);
    expect((await globex.verifyAssertion(key.assert(await acme.signInOptions()))).statusCode).toBe(401);

    const home = await acme.signIn(key, 'same@example.com');
    expect(home.statusCode, home.body).toBe(200);
    expect(claimsOf(home.json().accessToken).tid).toBe('acme');
  });
});

describe("passkeys with webauthn.userVerification 'required'", () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0));
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ ...CHEAP, webauthn: { userVerification: 'required' } }, { clock });
    await server.app.ready();
  });
  afterAll(() => server.close());

  it('refuses registrations and assertions without user verification', async () => {
    const api = passkeyClient(server, clock);
    await server.createUser('strict@example.com', PASSWORD);
    const { accessToken } = await api.login('strict@example.com');
    const key = api.authenticator();
    const weak = await api.registerPasskey(accessToken, key, { userVerified: false });
    expect(weak.json().code).toBe('invalid_passkey');
    await api.enrol(accessToken, key);
    expect((await api.signInOptions('strict@example.com')).userVerification).toBe('required');
    expect((await api.signIn(key, 'strict@example.com', { userVerified: false })).statusCode).toBe(401);
    expect((await api.signIn(key, 'strict@example.com')).statusCode).toBe(200);
  });
});
