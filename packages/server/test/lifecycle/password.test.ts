import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../helpers/test-gatehouse.js';
import { client, codeOf, NEW_PASSWORD, PASSWORD, tokenOf } from './client.js';

describe('password reset by link', () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await createTestServer({ rateLimits: { login: { lockoutThreshold: 3 } } });
    await server.app.ready();
    api = client(server);
  });
  afterAll(() => server.close());

  it('forgot → link → reset: new password works, old fails, every session ended, notice sent', async () => {
    await server.createUser('reset@example.com', PASSWORD);
    const first = await api.login('reset@example.com');
    const second = await api.login('reset@example.com');
    expect((await api.post('/auth/password/forgot', { email: 'reset@example.com' })).statusCode).toBe(202);
    const message = await api.lastMessage('reset@example.com', 'password_reset');
    expect(message.links[0]).toBe(`http://localhost:3000/reset-password?token=${tokenOf(message)}`);

    const reset = await api.post('/auth/password/reset', { token: tokenOf(message), password: NEW_PASSWORD });
    expect(reset.statusCode, reset.body).toBe(200);
    for (const session of [first, second]) {
      expect((await api.get('/auth/me', session.accessToken)).statusCode).toBe(401);
      expect((await api.post('/auth/refresh', { refreshToken: session.refreshToken })).statusCode).toBe(401);
    }
    expect(
      (await api.post('/auth/login', { email: 'reset@example.com', password: PASSWORD })).statusCode,
    ).toBe(401);
    await api.login('reset@example.com', NEW_PASSWORD);
    await api.lastMessage('reset@example.com', 'password_changed');
  });

  it('a reset link is single-use and a weak password leaves it usable', async () => {
    await server.createUser('once@example.com', PASSWORD);
    await api.post('/auth/password/forgot', { email: 'once@example.com' });
    const token = tokenOf(await api.lastMessage('once@example.com', 'password_reset'));
    const weak = await api.post('/auth/password/reset', { token, password: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({ code: 'weak_password', reason: 'too_short' });
    expect((await api.post('/auth/password/reset', { token, password: NEW_PASSWORD })).statusCode).toBe(200);
    const replay = await api.post('/auth/password/reset', { token, password: 'yet another passphrase' });
    expect(replay.statusCode).toBe(400);
    expect(replay.json().code).toBe('invalid_or_expired_token');
  });

  it('of 10 parallel resets with one link exactly one wins', async () => {
    await server.createUser('race-reset@example.com', PASSWORD);
    await api.post('/auth/password/forgot', { email: 'race-reset@example.com' });
    const token = tokenOf(await api.lastMessage('race-reset@example.com', 'password_reset'));
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api.post('/auth/password/reset', { token, password: `parallel passphrase ${i}` }),
      ),
    );
    const winners = results.filter((r) => r.statusCode === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 400)).toHaveLength(9);
  });

  it('forgot answers the same for unknown addresses and mails nobody', async () => {
    await server.createUser('known@example.com', PASSWORD);
    const known = await api.post('/auth/password/forgot', { email: 'known@example.com' });
    const unknown = await api.post('/auth/password/forgot', { email: 'unknown@example.com' });
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(unknown.body).toBe(known.body);
    expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(known.headers).sort());
    expect(await server.outbox('unknown@example.com')).toEqual([]);
  });

  it('a reset lifts a login lockout and verifies the address', async () => {
    await api.register('locked-out@example.com');
    for (let i = 0; i < 3; i += 1) {
      await api.post('/auth/login', { email: 'locked-out@example.com', password: 'wrong password 1' });
    }
    expect(
      (await api.post('/auth/login', { email: 'locked-out@example.com', password: PASSWORD })).statusCode,
    ).toBe(423);
    await api.post('/auth/password/forgot', { email: 'locked-out@example.com' });
    const token = tokenOf(await api.lastMessage('locked-out@example.com', 'password_reset'));
    expect((await api.post('/auth/password/reset', { token, password: NEW_PASSWORD })).statusCode).toBe(200);
    const tokens = await api.login('locked-out@example.com', NEW_PASSWORD);
    expect(tokens.user.emailVerified).toBe(true);
  });

  it('a verification link is not a reset link (secrets are bound to their purpose)', async () => {
    const verification = await api.register('purpose@example.com');
    const response = await api.post('/auth/password/reset', {
      token: tokenOf(verification),
      password: NEW_PASSWORD,
    });
    expect(response.statusCode).toBe(400);
  });

  it('accepts the mfa slot (ignored until accounts have second factors) but no unknown fields', async () => {
    const withMfa = await api.post('/auth/password/reset', {
      token: 'ot1.default.nope.nope',
      password: NEW_PASSWORD,
      mfa: { method: 'totp', code: '123456' },
    });
    expect(withMfa.json().code).toBe('invalid_or_expired_token');
    const extra = await api.post('/auth/password/reset', { token: 'x', password: NEW_PASSWORD, admin: true });
    expect(extra.json().code).toBe('validation_error');
  });
});

describe('password reset by code', () => {
  for (const strategy of ['otp', 'uuid'] as const) {
    describe(strategy, () => {
      let server: TestServer;
      let api: ReturnType<typeof client>;
      beforeAll(async () => {
        server = await createTestServer({ accounts: { passwordReset: { strategy } } });
        await server.app.ready();
        api = client(server);
      });
      afterAll(() => server.close());

      it('resets with the emailed code once, and a newer request supersedes it', async () => {
        const email = `${strategy}-reset@example.com`;
        await server.createUser(email, PASSWORD);
        await api.post('/auth/password/forgot', { email });
        const old = await api.lastMessage(email, 'password_reset');
        await api.post('/auth/password/forgot', { email });
        const message = (await server.outbox(email)).find(
          (m) => m.template === 'password_reset' && m.id !== old.id,
        )!;
        const body = (m: typeof message) =>
          strategy === 'otp'
            ? { email, code: codeOf(m) }
            : { resetId: String(m.data.resetId), code: codeOf(m) };
        expect(
          (await api.post('/auth/password/reset', { ...body(old), password: NEW_PASSWORD })).statusCode,
        ).toBe(400);
        expect(
          (await api.post('/auth/password/reset', { ...body(message), password: NEW_PASSWORD })).statusCode,
        ).toBe(200);
        expect(
          (await api.post('/auth/password/reset', { ...body(message), password: 'third passphrase 99' }))
            .statusCode,
        ).toBe(400);
        await api.login(email, NEW_PASSWORD);
      });
    });
  }
});

describe('password change', () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await createTestServer({ rateLimits: { passwordChange: { perUser: 3 } } });
    await server.app.ready();
    api = client(server);
  });
  afterAll(() => server.close());

  it('needs the current password, keeps this session, ends the others, sends a notice', async () => {
    await server.createUser('change@example.com', PASSWORD);
    const current = await api.login('change@example.com');
    const other = await api.login('change@example.com');
    const wrong = await api.post(
      '/users/password/change',
      { currentPassword: 'not my password', newPassword: NEW_PASSWORD },
      current.accessToken,
    );
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe('invalid_current_password');

    const changed = await api.post(
      '/users/password/change',
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
      current.accessToken,
    );
    expect(changed.statusCode, changed.body).toBe(204);
    expect((await api.get('/auth/me', current.accessToken)).statusCode).toBe(200);
    expect((await api.get('/auth/me', other.accessToken)).statusCode).toBe(401);
    expect((await api.post('/auth/refresh', { refreshToken: other.refreshToken })).statusCode).toBe(401);
    expect((await api.post('/auth/refresh', { refreshToken: current.refreshToken })).statusCode).toBe(200);
    await api.login('change@example.com', NEW_PASSWORD);
    await api.lastMessage('change@example.com', 'password_changed');
  });

  it('refuses the same password and weak ones, and needs a bearer', async () => {
    await server.createUser('same@example.com', PASSWORD);
    const { accessToken } = await api.login('same@example.com');
    const same = await api.post(
      '/users/password/change',
      { currentPassword: PASSWORD, newPassword: PASSWORD },
      accessToken,
    );
    expect(same.statusCode).toBe(400);
    expect(same.json().code).toBe('same_password');
    const weak = await api.post(
      '/users/password/change',
      { currentPassword: PASSWORD, newPassword: 'password1' },
      accessToken,
    );
    expect(weak.json()).toMatchObject({ code: 'weak_password', reason: 'common' });
    expect(
      (await api.post('/users/password/change', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD }))
        .statusCode,
    ).toBe(401);
  });

  it('is rate-limited per user', async () => {
    await server.createUser('limit@example.com', PASSWORD);
    const { accessToken } = await api.login('limit@example.com');
    const attempt = () =>
      api.post(
        '/users/password/change',
        { currentPassword: 'wrong one here', newPassword: NEW_PASSWORD },
        accessToken,
      );
    for (let i = 0; i < 3; i += 1) expect((await attempt()).statusCode).toBe(400);
    const limited = await attempt();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });
});
