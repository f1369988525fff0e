import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from './helpers/test-gatehouse.js';

const PASSWORD = 'a sturdy passphrase 42';

describe('auth flows over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
    await server.app.ready();
  });
  afterAll(() => server.close());

  const post = (url: string, payload?: object, token?: string) =>
    server.app.inject({
      method: 'POST',
      url: `/api/v1${url}`,
      ...(payload ? { payload } : {}),
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'user-agent': 'vitest' },
    });
  const get = (url: string, token?: string) =>
    server.app.inject({
      url: `/api/v1${url}`,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'user-agent': 'vitest' },
    });
  const login = async (email: string, password = PASSWORD) => {
    const response = await post('/auth/login', { email, password });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as {
      accessToken: string;
      refreshToken: string;
      sessionId: string;
      expiresIn: number;
      user: { id: string };
    };
  };

  it('registers enumeration-safely: the same 202 for a new and an existing email', async () => {
    const first = await post('/auth/register', { email: 'new@example.com', password: PASSWORD });
    const again = await post('/auth/register', { email: 'NEW@example.com', password: PASSWORD });
    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual(first.json());
    expect(first.json()).toEqual({ status: 'verification_sent' });
  });

  it('refuses weak passwords with the policy reason', async () => {
    for (const [password, reason] of [
      ['short', 'too_short'],
      ['password123', 'common'],
      ['xx-weakling-xx-weakling', 'contains_identifier'],
    ] as const) {
      const response = await post('/auth/register', { email: 'weakling@example.com', password });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'weak_password', reason });
    }
  });

  it('reveals an unverified account only after the right password', async () => {
    await post('/auth/register', { email: 'unverified@example.com', password: PASSWORD });
    expect(
      (await post('/auth/login', { email: 'unverified@example.com', password: 'wrong password!' }))
        .statusCode,
    ).toBe(401);
    const right = await post('/auth/login', { email: 'unverified@example.com', password: PASSWORD });
    expect(right.statusCode).toBe(403);
    expect(right.json().code).toBe('email_unverified');
  });

  it('logs in with a TokenPair carrying every claim API.md lists', async () => {
    const userId = await server.createUser('ada@example.com', PASSWORD);
    const response = await post('/auth/login', { email: ' Ada@Example.com ', password: PASSWORD });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const pair = response.json();
    expect(pair).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 900,
      user: { id: userId, email: 'ada@example.com', roles: ['user'] },
    });
    const [header, payload] = pair.accessToken
      .split('.')
      .slice(0, 2)
      .map((part: string) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toMatchObject({
      alg: 'EdDSA',
      typ: 'at+jwt',
      kid: server.gatehouse.keyring.current().kid,
    });
    expect(payload).toMatchObject({
      sub: userId,
      sid: pair.sessionId,
      aud: 'gatehouse',
      amr: ['pwd'],
      rv: 1,
      pv: 1,
      av: 1,
      roles: ['user'],
    });
    for (const claim of ['iss', 'iat', 'exp', 'jti', 'auth_time', 'perms'])
      expect(payload).toHaveProperty(claim);
    expect(payload).not.toHaveProperty('tid');
    expect(pair.refreshToken).toMatch(/^rt1\./);
  });

  it('answers wrong password and unknown email with identical bodies', async () => {
    await server.createUser('grace@example.com', PASSWORD);
    const wrong = await post('/auth/login', { email: 'grace@example.com', password: 'not the password' });
    const unknown = await post('/auth/login', {
      email: 'nobody-here@example.com',
      password: 'not the password',
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
    expect(strip(unknown.json())).toEqual(strip(wrong.json()));
  });

  it('refresh rotates; the old token replayed after the window revokes the session', async () => {
    await server.createUser('rot@example.com', PASSWORD);
    const first = await login('rot@example.com');
    const second = await post('/auth/refresh', { refreshToken: first.refreshToken });
    expect(second.statusCode).toBe(200);
    const rotated = second.json();
    expect(rotated.refreshToken).not.toBe(first.refreshToken);
    expect(rotated.sessionId).toBe(first.sessionId);
    expect(rotated.user.email).toBe('rot@example.com');
    // Same device, inside the 10 s window: a conflict, and the successor survives.
    const conflict = await post('/auth/refresh', { refreshToken: first.refreshToken });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().code).toBe('refresh_conflict');
    expect(conflict.headers['retry-after']).toBeUndefined();
    expect((await get('/auth/me', rotated.accessToken)).statusCode).toBe(200);
  });

  it('10 parallel refreshes with one token: exactly one 200, the rest 409', async () => {
    await server.createUser('par@example.com', PASSWORD);
    const { refreshToken } = await login('par@example.com');
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => post('/auth/refresh', { refreshToken })),
    );
    const codes = answers.map((answer) => answer.statusCode).sort();
    expect(codes).toEqual([200, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
  });

  it('a replay from another device is reuse: 401 and the whole session is gone', async () => {
    await server.createUser('thief@example.com', PASSWORD);
    const pair = await login('thief@example.com');
    expect((await post('/auth/refresh', { refreshToken: pair.refreshToken })).statusCode).toBe(200);
    const replay = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: pair.refreshToken },
      headers: { 'user-agent': 'attacker-browser' },
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('refresh_token_reused');
    expect((await get('/auth/me', pair.accessToken)).statusCode).toBe(401);
  });

  it('GET /auth/me, logout (idempotent), then refresh and strict validation fail', async () => {
    await server.createUser('out@example.com', PASSWORD);
    const pair = await login('out@example.com');
    const me = await get('/auth/me', pair.accessToken);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      user: { email: 'out@example.com' },
      session: { id: pair.sessionId, current: true, amr: ['pwd'] },
    });
    expect((await post('/auth/logout', {}, pair.accessToken)).statusCode).toBe(204);
    expect((await get('/auth/me', pair.accessToken)).json().code).toBe('invalid_token');
    expect((await post('/auth/refresh', { refreshToken: pair.refreshToken })).statusCode).toBe(401);
  });

  it('logout with a bearer and no body at all (no content-type) is 204 and ends the session', async () => {
    await server.createUser('bare-logout@example.com', PASSWORD);
    const pair = await login('bare-logout@example.com');
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { authorization: `Bearer ${pair.accessToken}` },
    });
    expect(response.statusCode, response.body).toBe(204);
    expect((await get('/auth/me', pair.accessToken)).json().code).toBe('invalid_token');
    expect((await post('/auth/refresh', { refreshToken: pair.refreshToken })).statusCode).toBe(401);
  });

  it('logout with an empty JSON body (content-type set, nothing sent) is 204 too', async () => {
    await server.createUser('empty-logout@example.com', PASSWORD);
    const pair = await login('empty-logout@example.com');
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { authorization: `Bearer ${pair.accessToken}`, 'content-type': 'application/json' },
      payload: '',
    });
    expect(response.statusCode, response.body).toBe(204);
    expect((await post('/auth/refresh', { refreshToken: pair.refreshToken })).statusCode).toBe(401);
  });

  it('an empty JSON body where one is required is 400 validation_error', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({ code: 'validation_error' });
  });

  it('logout-all ends every session; revoke needs only the refresh token', async () => {
    await server.createUser('many@example.com', PASSWORD);
    const a = await login('many@example.com');
    const b = await login('many@example.com');
    expect(a.sessionId).not.toBe(b.sessionId);
    expect((await post('/auth/revoke', { refreshToken: b.refreshToken })).statusCode).toBe(204);
    expect((await post('/auth/refresh', { refreshToken: b.refreshToken })).statusCode).toBe(401);
    expect((await post('/auth/revoke', { refreshToken: 'garbage' })).statusCode).toBe(204);
    const c = await login('many@example.com');
    expect((await post('/auth/logout-all', undefined, c.accessToken)).statusCode).toBe(204);
    for (const pair of [a, c]) expect((await get('/auth/me', pair.accessToken)).statusCode).toBe(401);
  });

  it('lists and revokes sessions; another user’s session id is 404', async () => {
    await server.createUser('list@example.com', PASSWORD);
    await server.createUser('other@example.com', PASSWORD);
    const one = await login('list@example.com');
    const two = await login('list@example.com');
    const other = await login('other@example.com');
    const listed = (await get('/sessions', two.accessToken)).json().sessions;
    expect(listed.map((s: { id: string }) => s.id)).toEqual([two.sessionId, one.sessionId]);
    expect(listed[0]).toMatchObject({ current: true, userAgent: 'vitest', ip: '127.0.0.1' });
    const foreign = await server.app.inject({
      method: 'DELETE',
      url: `/api/v1/sessions/${other.sessionId}`,
      headers: { authorization: `Bearer ${two.accessToken}` },
    });
    expect(foreign.statusCode).toBe(404);
    expect((await get('/auth/me', other.accessToken)).statusCode).toBe(200);
    const rest = await server.app.inject({
      method: 'DELETE',
      url: '/api/v1/sessions',
      headers: { authorization: `Bearer ${two.accessToken}` },
    });
    expect(rest.statusCode).toBe(204);
    expect((await get('/auth/me', one.accessToken)).statusCode).toBe(401);
    expect((await get('/auth/me', two.accessToken)).statusCode).toBe(200);
  });

  it('verify-token answers gateways in every mode, with identity headers', async () => {
    const userId = await server.createUser('gw@example.com', PASSWORD);
    const pair = await login('gw@example.com');
    for (const mode of ['jwt', 'hybrid', 'strict']) {
      for (const method of ['GET', 'HEAD'] as const) {
        const response = await server.app.inject({
          method,
          url: `/api/v1/auth/verify-token?mode=${mode}`,
          headers: { authorization: `Bearer ${pair.accessToken}` },
        });
        expect(response.statusCode).toBe(204);
        expect(response.headers).toMatchObject({
          'x-user-id': userId,
          'x-session-id': pair.sessionId,
          'x-user-roles': 'user',
        });
      }
    }
    expect((await get('/auth/verify-token?mode=fast', pair.accessToken)).json().code).toBe(
      'validation_error',
    );
    await post('/auth/logout', {}, pair.accessToken);
    expect((await get('/auth/verify-token?mode=strict', pair.accessToken)).statusCode).toBe(401);
    // jwt mode cannot see revocation until the token expires (the documented trade-off).
    expect((await get('/auth/verify-token?mode=jwt', pair.accessToken)).statusCode).toBe(204);
  });

  it('admin role changes end the user’s sessions; non-admins get 403', async () => {
    const adminId = await server.createUser('boss@example.com', PASSWORD, { roles: ['user', 'admin'] });
    const userId = await server.createUser('worker@example.com', PASSWORD);
    const admin = await login('boss@example.com');
    const user = await login('worker@example.com');
    const forbidden = await server.app.inject({
      method: 'PUT',
      url: `/api/v1/admin/users/${adminId}/roles`,
      payload: { roles: ['user'] },
      headers: { authorization: `Bearer ${user.accessToken}` },
    });
    expect(forbidden.statusCode).toBe(403);
    const changed = await server.app.inject({
      method: 'PUT',
      url: `/api/v1/admin/users/${userId}/roles`,
      payload: { roles: ['user', 'admin'] },
      headers: { authorization: `Bearer ${admin.accessToken}` },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().user.roles).toEqual(['user', 'admin']);
    expect((await get('/auth/me', user.accessToken)).statusCode).toBe(401);
    expect((await post('/auth/refresh', { refreshToken: user.refreshToken })).statusCode).toBe(401);
    const relogin = await login('worker@example.com');
    expect(relogin.user).toMatchObject({ roles: ['user', 'admin'] });
  });

  it('disabling an account ends its sessions and login then answers 403 account_disabled', async () => {
    await server.createUser('chief@example.com', PASSWORD, { roles: ['user', 'admin'] });
    const userId = await server.createUser('leaver@example.com', PASSWORD);
    const admin = await login('chief@example.com');
    const user = await login('leaver@example.com');
    const disabled = await server.app.inject({
      method: 'PUT',
      url: `/api/v1/admin/users/${userId}/disable`,
      headers: { authorization: `Bearer ${admin.accessToken}` },
    });
    expect(disabled.statusCode).toBe(200);
    expect((await post('/auth/refresh', { refreshToken: user.refreshToken })).statusCode).toBe(401);
    const again = await post('/auth/login', { email: 'leaver@example.com', password: PASSWORD });
    expect(again.statusCode).toBe(403);
    expect(again.json().code).toBe('account_disabled');
  });

  it('counts every outcome in /metrics by audit type and reason', async () => {
    await post('/auth/login', { email: 'metrics-nobody@example.com', password: 'wrong password!' });
    await server.engine.audit.flush();
    const metrics = (await server.app.inject('/metrics')).body;
    expect(metrics).toMatch(
      /gatehouse_auth_events_total\{type="login.failed",reason="invalid_credentials"\} [1-9]/,
    );
    expect(metrics).toMatch(/gatehouse_auth_events_total\{type="login.succeeded",reason=""\} [1-9]/);
    expect(metrics).toMatch(/gatehouse_auth_events_total\{type="refresh.conflict"/);
    expect(metrics).not.toMatch(/example\.com/);
  });
});
