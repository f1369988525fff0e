/**
 * Second factors under attack (API.md "Sign-in policy", "Second-factor codes"): a passkey
 * without user verification is one factor, never a session for an account with another;
 * parallel backup codes; the account's code budget after a challenge died of its failures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@gatehouse/core';
import { createTestServer, type TestServer } from '../helpers/test-gatehouse.js';
import { PASSWORD } from '../lifecycle/client.js';
import { claimsOf } from '../mfa/totp-client.js';
import { linkTokenOf, magicClient } from '../passwordless/magic-client.js';
import { passkeyClient } from '../webauthn/passkey-client.js';
import { storesOf } from '../helpers/stores.js';

const CHEAP = { passwords: { argon2: { memoryKiB: 1024, iterations: 1 } } };

describe('second factors under attack', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0));
  let server: TestServer;
  let api: ReturnType<typeof passkeyClient>;
  beforeAll(async () => {
    server = await createTestServer(
      { ...CHEAP, rateLimits: { codeSubmissions: { perIp: 1000 }, magicLinkRequests: { perIp: 1000 } } },
      { clock },
    );
    await server.app.ready();
    api = passkeyClient(server, clock);
  });
  afterAll(() => server.close());
  const step = () => clock.advance(30_000);

  /** A password account with one passkey that cannot verify its user. */
  async function passwordAndPasskey(email: string) {
    await server.createUser(email, PASSWORD);
    const session = await api.login(email);
    const key = api.authenticator({ userVerified: false });
    await api.enrol(session.accessToken, key);
    return { session, key };
  }

  it('a passkey without UV, on an account with a password, is a challenge for the password, never tokens', async () => {
    const { key } = await passwordAndPasskey('holder@example.com');
    const signIn = await api.signIn(key, 'holder@example.com');
    expect(signIn.statusCode, signIn.body).toBe(200);
    expect(signIn.json()).toEqual({
      mfaRequired: true,
      challengeId: expect.any(String),
      methods: ['password'],
    });

    const { challengeId } = signIn.json();
    const asCode = await api.verify(challengeId, 'totp', '123456');
    expect(asCode.json().code).toBe('invalid_code'); // only the offered methods finish it
    const wrong = await api.post('/auth/mfa/verify', { challengeId, method: 'password', password: 'guess' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('invalid_credentials');
    const right = await api.post('/auth/mfa/verify', { challengeId, method: 'password', password: PASSWORD });
    expect(right.statusCode, right.body).toBe(200);
    expect(claimsOf(right.json().accessToken).amr).toEqual(['hwk', 'pwd', 'mfa']);
    // Used up: the same challenge opens no second session.
    const again = await api.post('/auth/mfa/verify', { challengeId, method: 'password', password: PASSWORD });
    expect(again.statusCode).toBe(401);
  });

  it("the password of a passkey challenge is guessed under the login throttle, like the login form's", async () => {
    const local = await createTestServer({ ...CHEAP, rateLimits: { login: { perIdentifierAndIp: 3 } } });
    try {
      await local.app.ready();
      const localApi = passkeyClient(local, clock);
      await local.createUser('guessed@example.com', PASSWORD);
      const { accessToken } = await localApi.login('guessed@example.com');
      const key = localApi.authenticator({ userVerified: false });
      await localApi.enrol(accessToken, key);
      const guess = async () => {
        const { challengeId } = (await localApi.signIn(key, 'guessed@example.com')).json();
        return localApi.post('/auth/mfa/verify', { challengeId, method: 'password', password: 'a guess' });
      };
      for (let i = 0; i < 3; i += 1) expect((await guess()).statusCode).toBe(401);
      const limited = await guess();
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toBeDefined();
    } finally {
      await local.close();
    }
  });

  it('a passkeys-only account (no password, no other factor) still signs in and steps up with the passkey alone', async () => {
    const email = 'keys-only@example.com';
    await storesOf(server.engine).users.create({ tenant: 'default', email, emailVerified: true });
    const magic = magicClient(server);
    const link = await magic.verify(linkTokenOf(await magic.requestLink(email)));
    expect(link.statusCode, link.body).toBe(200);
    const key = api.authenticator({ userVerified: false });
    await api.enrol(link.json().accessToken, key);

    const signIn = await api.signIn(key, email);
    expect(signIn.statusCode, signIn.body).toBe(200);
    expect(claimsOf(signIn.json().accessToken).amr).toEqual(['hwk']);
    clock.advance(6 * 60_000);
    const stepped = await api.post(
      '/auth/step-up',
      { credential: await api.assertion(key, email) },
      signIn.json().accessToken,
    );
    expect(stepped.statusCode, stepped.body).toBe(200);
    expect(claimsOf(stepped.json().accessToken)).toMatchObject({
      amr: ['hwk'],
      auth_time: Math.floor(clock.now() / 1000),
    });
  });

  it('a passkey without UV is not a step-up for an account with a password: the challenge needs it', async () => {
    const { session, key } = await passwordAndPasskey('stepper@example.com');
    clock.advance(6 * 60_000);
    const alone = await api.post(
      '/auth/step-up',
      { credential: await api.assertion(key, 'stepper@example.com') },
      session.accessToken,
    );
    expect(alone.json()).toEqual({
      mfaRequired: true,
      challengeId: expect.any(String),
      methods: ['password'],
    });
    // The stale session still cannot change the email address.
    const change = await api.post(
      '/users/email/change',
      { newEmail: 'thief@example.com' },
      session.accessToken,
    );
    expect(change.json().code).toBe('step_up_required');

    const { challengeId } = alone.json();
    const body = { challengeId, method: 'password', password: PASSWORD };
    expect((await api.post('/auth/mfa/verify', body)).json().code).toBe('unauthorized');
    const done = await api.post('/auth/mfa/verify', body, session.accessToken);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().sessionId).toBe(session.sessionId);
    expect(claimsOf(done.json().accessToken).amr).toEqual(['hwk', 'pwd', 'mfa']);
    const fresh = done.json().accessToken;
    expect((await api.post('/users/email/change', { newEmail: 'new@example.com' }, fresh)).statusCode).toBe(
      202,
    );
  });

  it("parallel backup codes on one challenge: one session, and the other request's code stays usable", async () => {
    const { backupCodes } = await api.enrolled('parallel-backup@example.com');
    const [first = '', second = ''] = backupCodes;
    const { challengeId } = await api.challenge('parallel-backup@example.com');
    const answers = await Promise.all([
      api.verify(challengeId, 'backup_code', first),
      api.verify(challengeId, 'backup_code', second),
    ]);
    const statuses = answers.map((answer) => answer.statusCode);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    const loser = statuses[0] === 200 ? second : first;
    // The losing request never reached its code (409 while the other held the challenge, or the
    // challenge was already used): its code opens the next sign-in.
    const next = await api.challenge('parallel-backup@example.com');
    const later = await api.verify(next.challengeId, 'backup_code', loser);
    expect(later.statusCode, later.body).toBe(200);
  });

  it('5 wrong codes → 429 with retry-after for the next submission: the right code, the dead challenge, a new one, step-up', async () => {
    const { secret, session } = await api.enrolled('budget@example.com');
    step();
    const { challengeId } = await api.challenge('budget@example.com');
    const wrong = api.code(secret) === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i += 1)
      expect((await api.verify(challengeId, 'totp', wrong)).statusCode).toBe(401);

    const right = () => api.code(secret);
    for (const answer of [
      await api.verify(challengeId, 'totp', right()),
      await api.verify((await api.challenge('budget@example.com')).challengeId, 'totp', right()),
      await api.post(
        '/auth/step-up',
        { password: PASSWORD, mfa: { method: 'totp', code: right() } },
        session.accessToken,
      ),
    ]) {
      expect(answer.statusCode, answer.body).toBe(429);
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
    }
    // The budget window passes: the right code works again (on a live challenge).
    clock.advance(15 * 60_000 + 1_000);
    const fresh = await api.challenge('budget@example.com');
    expect((await api.verify(fresh.challengeId, 'totp', right())).statusCode).toBe(200);
  });
});
