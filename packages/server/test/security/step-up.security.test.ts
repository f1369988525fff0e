/**
 * Step-up under attack (API.md "Step-up", "Refresh replay", "Status codes"): the refresh token
 * a step-up rotated away stays a reuse alarm; the password alone of an MFA account is a
 * challenge that only its own session finishes; and no signed-in route answers a wrong secret
 * with 401, which every client reads as "the access token is dead".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@gatehouse/core';
import { createTestServer, type TestServer } from '../helpers/test-gatehouse.js';
import { PASSWORD } from '../lifecycle/client.js';
import { claimsOf, mfaClient } from '../mfa/totp-client.js';
import { SoftAuthenticator } from '../webauthn/soft-authenticator.js';

describe('step-up and the refresh tokens it rotates', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0));
  let server: TestServer;
  let api: ReturnType<typeof mfaClient>;
  let n = 0;
  beforeAll(async () => {
    server = await createTestServer({ passwords: { argon2: { memoryKiB: 1024, iterations: 1 } } }, { clock });
    await server.app.ready();
    api = mfaClient(server, clock);
  });
  afterAll(() => server.close());

  const signedIn = async () => {
    const email = `stepper${++n}@example.com`;
    await server.createUser(email, PASSWORD);
    return api.login(email);
  };
  const refresh = (refreshToken: string) => api.post('/auth/refresh', { refreshToken });

  it('the pre-step-up refresh token, replayed after the next refresh, is reuse: 401 and the session ends', async () => {
    const session = await signedIn();
    const stepped = await api.post('/auth/step-up', { password: PASSWORD }, session.accessToken);
    expect(stepped.statusCode, stepped.body).toBe(200);
    const next = await refresh(stepped.json().refreshToken);
    expect(next.statusCode, next.body).toBe(200);

    const replay = await refresh(session.refreshToken);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('refresh_token_reused');
    expect((await refresh(next.json().refreshToken)).json().code).toBe('invalid_refresh_token');
    expect((await api.get('/auth/me', next.json().accessToken)).statusCode).toBe(401);
  });

  it('a refresh token two rotations before the step-up is reuse too', async () => {
    const session = await signedIn();
    const rotated = (await refresh(session.refreshToken)).json();
    const stepped = (await api.post('/auth/step-up', { password: PASSWORD }, rotated.accessToken)).json();
    clock.advance(11_000); // past the conflict window: no tab can still be racing
    const replay = await refresh(session.refreshToken);
    expect(replay.json().code).toBe('refresh_token_reused');
    expect((await refresh(stepped.refreshToken)).statusCode).toBe(401);
  });

  it('the password alone of an MFA account is a step-up challenge that its own session finishes at /mfa/verify', async () => {
    const { secret } = await api.enrolled('challenged@example.com');
    clock.advance(30_000);
    const session = await api.fullLogin('challenged@example.com', secret);
    const intruder = await signedIn();
    clock.advance(6 * 60_000);
    const asked = await api.post('/auth/step-up', { password: PASSWORD }, session.accessToken);
    expect(asked.statusCode, asked.body).toBe(200);
    expect(asked.json()).toEqual({
      mfaRequired: true,
      challengeId: expect.any(String),
      methods: ['totp', 'backup_code'],
    });
    const { challengeId } = asked.json();
    const body = { challengeId, method: 'totp', code: api.code(secret) };
    // Not a login: without the bearer of its session nobody finishes it, not another user.
    expect((await api.post('/auth/mfa/verify', body)).json().code).toBe('unauthorized');
    expect((await api.post('/auth/mfa/verify', body, intruder.accessToken)).json().code).toBe(
      'invalid_second_factor',
    );
    const racers = await Promise.all(
      [1, 2].map(() => api.post('/auth/mfa/verify', body, session.accessToken)),
    );
    const done = racers.find((answer) => answer.statusCode === 200);
    expect(racers.map((answer) => answer.statusCode).sort()).toEqual([200, expect.any(Number)]);
    expect(done!.json().sessionId).toBe(session.sessionId);
    expect(claimsOf(done!.json().accessToken)).toMatchObject({
      sid: session.sessionId,
      amr: ['pwd', 'otp', 'mfa'],
      auth_time: Math.floor(clock.now() / 1000),
    });
    expect((await api.get('/users/profile', intruder.accessToken)).statusCode).toBe(200);
    expect((await refresh(done!.json().refreshToken)).statusCode).toBe(200);
    clock.advance(11_000); // the token the step-up rotated away, past the conflict window: reuse
    expect((await refresh(session.refreshToken)).json().code).toBe('refresh_token_reused');
  });

  it('a signed-in caller with a wrong password or code hears 400 with a specific code, never 401', async () => {
    const { secret, session } = await api.enrolled('typo@example.com');
    const bearer = session.accessToken;
    const wrongCode = '0000000'; // 7 digits: no 6-digit code is ever this
    const stepUpChallenge = (await api.post('/auth/step-up', { password: PASSWORD }, bearer)).json();
    const fresh = await signedIn();
    await api.post('/auth/mfa/totp/setup', undefined, fresh.accessToken);
    await api.post('/auth/mfa/sms/setup', { phone: '+12015550177' }, fresh.accessToken);
    const stranger = new SoftAuthenticator(server.gatehouse.config.webauthn.origins[0] ?? '');
    const options = (await api.post('/auth/webauthn/authenticate/options', {})).json();

    const cases: [string, Promise<{ statusCode: number; json(): { code: string } }>, string][] = [
      [
        'step-up password',
        api.post('/auth/step-up', { password: 'no', mfa: { method: 'totp', code: '1' } }, bearer),
        'invalid_current_password',
      ],
      [
        'step-up code',
        api.post('/auth/step-up', { password: PASSWORD, mfa: { method: 'totp', code: wrongCode } }, bearer),
        'invalid_second_factor',
      ],
      [
        'step-up challenge',
        api.post(
          '/auth/mfa/verify',
          { challengeId: stepUpChallenge.challengeId, method: 'totp', code: wrongCode },
          bearer,
        ),
        'invalid_second_factor',
      ],
      [
        'step-up passkey',
        api.post('/auth/step-up', { credential: stranger.assert(options) }, bearer),
        'invalid_passkey',
      ],
      [
        'mfa disable',
        api.post('/auth/mfa/disable', { method: 'totp', code: wrongCode }, bearer),
        'invalid_second_factor',
      ],
      [
        'backup-code regeneration',
        api.post('/auth/mfa/backup-codes', { code: wrongCode }, bearer),
        'invalid_second_factor',
      ],
      [
        'password change',
        api.post(
          '/users/password/change',
          { currentPassword: 'no', newPassword: 'a brand new passphrase 9' },
          bearer,
        ),
        'invalid_current_password',
      ],
      [
        'account deletion',
        api.delete('/users/account', { password: 'no' }, bearer),
        'invalid_current_password',
      ],
      [
        'TOTP confirm',
        api.post('/auth/mfa/totp/confirm', { code: wrongCode }, fresh.accessToken),
        'invalid_second_factor',
      ],
      [
        'SMS confirm',
        api.post('/auth/mfa/sms/confirm', { code: wrongCode }, fresh.accessToken),
        'invalid_second_factor',
      ],
      [
        'email change confirm',
        api.post('/users/email/confirm', { code: '12345678' }, fresh.accessToken),
        'invalid_or_expired_token',
      ],
      [
        'passkey register',
        api.post(
          '/auth/webauthn/register/verify',
          stranger.register({
            challenge: 'A'.repeat(43),
            rp: { id: 'localhost', name: 'x' },
            user: { id: 'x', name: 'x' },
          }),
          fresh.accessToken,
        ),
        'invalid_passkey',
      ],
    ];
    for (const [name, pending, code] of cases) {
      const answer = await pending;
      expect([name, answer.statusCode, answer.json().code]).toEqual([name, 400, code]);
    }
    // Both bearers are as alive as they were.
    for (const token of [bearer, fresh.accessToken])
      expect((await api.get('/auth/me', token)).statusCode).toBe(200);
    expect(
      (
        await api.post(
          '/auth/step-up',
          { password: PASSWORD, mfa: { method: 'totp', code: api.code(secret, 1) } },
          bearer,
        )
      ).statusCode,
    ).toBe(200);
  });
});
