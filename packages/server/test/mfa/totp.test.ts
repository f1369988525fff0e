import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@gatehouse/core';
import { createTestServer, type TestServer } from '../helpers/test-gatehouse.js';
import { NEW_PASSWORD, PASSWORD } from '../lifecycle/client.js';
import { claimsOf, mfaClient } from './totp-client.js';

describe('TOTP second factor over HTTP', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0));
  let server: TestServer;
  let api: ReturnType<typeof mfaClient>;
  beforeAll(async () => {
    server = await createTestServer(
      {
        rateLimits: { codeSubmissions: { perIp: 1000 } },
        passwords: { argon2: { memoryKiB: 1024, iterations: 1 } },
      },
      { clock },
    );
    await server.app.ready();
    api = mfaClient(server, clock);
  });
  afterAll(() => server.close());
  const step = () => clock.advance(30_000);

  it('setup → confirm → login stops at mfaRequired → verify gives a session with pwd+otp+mfa', async () => {
    const { secret, backupCodes } = await api.enrolled('totp@example.com');
    expect(backupCodes).toHaveLength(10);
    expect(backupCodes[0]).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    step();
    const { challengeId, methods } = await api.challenge('totp@example.com');
    expect(methods).toEqual(['totp', 'backup_code']);
    const verified = await api.verify(challengeId, 'totp', api.code(secret));
    expect(verified.statusCode, verified.body).toBe(200);
    const tokens = verified.json();
    expect(claimsOf(tokens.accessToken).amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(tokens.user.mfaEnabled).toBe(true);
    expect((await api.get('/auth/me', tokens.accessToken)).json().user.mfaEnabled).toBe(true);
  });

  it('never accepts a code twice: not the enrolment code, not a used one in the same or next step', async () => {
    const { secret } = await api.enrolled('replay@example.com');
    // The enrolment code (same step) is spent.
    let { challengeId } = await api.challenge('replay@example.com');
    expect((await api.verify(challengeId, 'totp', api.code(secret))).statusCode).toBe(401);
    step();
    const code = api.code(secret);
    expect((await api.verify(challengeId, 'totp', code)).statusCode).toBe(200);
    ({ challengeId } = await api.challenge('replay@example.com'));
    expect((await api.verify(challengeId, 'totp', code)).json().code).toBe('invalid_code');
    step(); // still inside the ±1 window of the used step: still refused
    expect((await api.verify(challengeId, 'totp', code)).statusCode).toBe(401);
  });

  it('a challenge is single-use, bound to its tenant, and dies after 5 failures', async () => {
    const { secret } = await api.enrolled('challenge@example.com');
    step();
    const { challengeId } = await api.challenge('challenge@example.com');
    const wrong = api.code(secret) === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i += 1)
      expect((await api.verify(challengeId, 'totp', wrong)).statusCode).toBe(401);
    step();
    // The challenge is dead and the account's budget (5) is spent: 429 on it and on a new one.
    expect((await api.verify(challengeId, 'totp', api.code(secret))).statusCode).toBe(429);
    const fresh = await api.challenge('challenge@example.com');
    expect((await api.verify(fresh.challengeId, 'totp', api.code(secret))).statusCode).toBe(429);
    clock.advance(15 * 60_000 + 1_000);
  });

  it('a challenge of one tenant is unknown in another', async () => {
    const { secret } = await api.enrolled('tenant-bound@example.com');
    step();
    const { challengeId } = await api.challenge('tenant-bound@example.com');
    const elsewhere = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/verify',
      headers: { 'x-tenant-id': 'other' },
      payload: { challengeId, method: 'totp', code: api.code(secret) },
    });
    // Tenancy is off here: the header is ignored, so the challenge still works once.
    expect(elsewhere.statusCode).toBe(200);
  });

  it('5 wrong codes across fresh challenges → 429 for the account, whatever the challenge', async () => {
    const { secret } = await api.enrolled('brute@example.com');
    step();
    for (let i = 0; i < 5; i += 1) {
      const { challengeId } = await api.challenge('brute@example.com');
      expect((await api.verify(challengeId, 'totp', '999999')).statusCode).toBeOneOf([401]);
    }
    const { challengeId } = await api.challenge('brute@example.com');
    const limited = await api.verify(challengeId, 'totp', api.code(secret));
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    clock.advance(15 * 60_000 + 1_000);
  });

  it('of parallel verifications of one challenge exactly one gets a session', async () => {
    const { secret } = await api.enrolled('parallel@example.com');
    step();
    const { challengeId } = await api.challenge('parallel@example.com');
    const [code] = [api.code(secret)];
    const results = await Promise.all(Array.from({ length: 8 }, () => api.verify(challengeId, 'totp', code)));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
  });

  it('backup codes work once each; two concurrent uses of one code → one success; regeneration kills the set', async () => {
    const { secret, backupCodes } = await api.enrolled('backup@example.com');
    const [first = '', second = ''] = backupCodes;
    let { challengeId } = await api.challenge('backup@example.com');
    const firstUse = await api.verify(challengeId, 'backup_code', first.toLowerCase());
    await server.engine.audit.flush();
    expect(firstUse.statusCode, JSON.stringify(server.auditEvents.events.slice(-4))).toBe(200);
    ({ challengeId } = await api.challenge('backup@example.com'));
    expect((await api.verify(challengeId, 'backup_code', first)).statusCode).toBe(401);

    const a = await api.challenge('backup@example.com');
    const b = await api.challenge('backup@example.com');
    const both = await Promise.all([
      api.verify(a.challengeId, 'backup_code', second),
      api.verify(b.challengeId, 'backup_code', second),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 401]);

    step();
    const session = await api.fullLogin('backup@example.com', secret);
    step();
    const regenerated = await api.post(
      '/auth/mfa/backup-codes',
      { code: api.code(secret) },
      session.accessToken,
    );
    expect(regenerated.statusCode, regenerated.body).toBe(200);
    ({ challengeId } = await api.challenge('backup@example.com'));
    expect((await api.verify(challengeId, 'backup_code', backupCodes[2] ?? '')).statusCode).toBe(401);
    expect((await api.verify(challengeId, 'backup_code', regenerated.json().backupCodes[0])).statusCode).toBe(
      200,
    );
  });

  it('step-up: old sign-ins get 403 step_up_required; step-up keeps the session with a fresh auth_time', async () => {
    const { secret } = await api.enrolled('stepup@example.com');
    step();
    const session = await api.fullLogin('stepup@example.com', secret);
    clock.advance(6 * 60_000);
    const refused = await api.post('/auth/mfa/totp/setup', undefined, session.accessToken);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('step_up_required');

    // Refresh copies auth_time: it never makes a session "recent".
    const refreshed = (await api.post('/auth/refresh', { refreshToken: session.refreshToken })).json();
    expect(claimsOf(refreshed.accessToken).auth_time).toBe(claimsOf(session.accessToken).auth_time);

    // The password alone: a step-up challenge for the second factor (finished at /mfa/verify).
    const noFactor = await api.post('/auth/step-up', { password: PASSWORD }, refreshed.accessToken);
    expect(noFactor.json()).toEqual({
      mfaRequired: true,
      challengeId: expect.any(String),
      methods: ['totp', 'backup_code'],
    });
    const wrongPassword = await api.post(
      '/auth/step-up',
      { password: 'not it at all', mfa: { method: 'totp', code: api.code(secret) } },
      refreshed.accessToken,
    );
    expect(wrongPassword.json().code).toBe('invalid_current_password');
    const stepped = await api.post(
      '/auth/step-up',
      { password: PASSWORD, mfa: { method: 'totp', code: api.code(secret) } },
      refreshed.accessToken,
    );
    expect(stepped.statusCode, stepped.body).toBe(200);
    const fresh = stepped.json();
    expect(fresh.sessionId).toBe(session.sessionId);
    expect(claimsOf(fresh.accessToken).auth_time).toBe(Math.floor(clock.now() / 1000));
    expect(claimsOf(fresh.accessToken).amr).toEqual(['pwd', 'otp', 'mfa']);
    // The replaced refresh token is spent.
    expect([401, 409]).toContain(
      (await api.post('/auth/refresh', { refreshToken: refreshed.refreshToken })).statusCode,
    );
    // Now recent enough for a factor change; TOTP is already on, so setup is a conflict.
    expect((await api.post('/auth/mfa/totp/setup', undefined, fresh.accessToken)).statusCode).toBe(409);
  });

  it('disable needs a valid code, drops backup codes with the last factor, ends other sessions, mails the user', async () => {
    const { secret, session } = await api.enrolled('disable@example.com');
    step();
    const other = await api.fullLogin('disable@example.com', secret);
    step();
    const bad = await api.post('/auth/mfa/disable', { method: 'totp', code: '000001' }, session.accessToken);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('invalid_second_factor');
    const ok = await api.post(
      '/auth/mfa/disable',
      { method: 'totp', code: api.code(secret) },
      session.accessToken,
    );
    expect(ok.statusCode, ok.body).toBe(204);
    expect((await api.get('/auth/me', other.accessToken)).statusCode).toBe(401);
    const login = await api.login('disable@example.com');
    expect(login.accessToken).toBeDefined();
    expect(await server.engine.mfa.enrolledMethods(login.user.id)).toEqual([]);
    const notice = await api.lastMessage('disable@example.com', 'mfa_changed');
    expect(notice.text).toContain('totp disabled');
  });

  it('password reset needs the second factor too', async () => {
    const { secret } = await api.enrolled('reset-mfa@example.com');
    await api.post('/auth/password/forgot', { email: 'reset-mfa@example.com' });
    const token = String((await api.lastMessage('reset-mfa@example.com', 'password_reset')).data.token);
    const without = await api.post('/auth/password/reset', { token, password: NEW_PASSWORD });
    expect(without.statusCode).toBe(401);
    expect(without.json()).toMatchObject({ code: 'invalid_code', reason: 'mfa_required' });
    step();
    const withCode = await api.post('/auth/password/reset', {
      token,
      password: NEW_PASSWORD,
      mfa: { method: 'totp', code: api.code(secret) },
    });
    expect(withCode.statusCode, withCode.body).toBe(200);
  });

  it("an admin resets a user's factors: sessions end, the next login needs no second factor", async () => {
    const adminId = await server.createUser('mfa-admin@example.com', PASSWORD, { roles: ['user', 'admin'] });
    expect(adminId).toBeDefined();
    const admin = await api.login('mfa-admin@example.com');
    const { secret } = await api.enrolled('lost-phone@example.com');
    step();
    const victimSession = await api.fullLogin('lost-phone@example.com', secret);
    const before = await api.get(`/admin/users/${victimSession.user.id}`, admin.accessToken);
    expect(before.json().user.mfaEnabled).toBe(true);
    const reset = await api.delete(`/admin/users/${victimSession.user.id}/mfa`, undefined, admin.accessToken);
    expect(reset.statusCode, reset.body).toBe(204);
    expect((await api.get('/auth/me', victimSession.accessToken)).statusCode).toBe(401);
    expect((await api.login('lost-phone@example.com')).accessToken).toBeDefined();
    const after = await api.get(`/admin/users/${victimSession.user.id}`, admin.accessToken);
    expect(after.json().user.mfaEnabled).toBe(false);
    await server.engine.audit.flush();
    expect(server.auditEvents.events.some((e) => e.type === 'mfa.reset_by_admin')).toBe(true);
  });
});
