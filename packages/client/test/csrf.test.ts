import { describe, expect, it } from 'vitest';
import { fakeSetup } from './helpers/client-setup.js';
import { problem } from './helpers/fake-gatehouse.js';

describe('cookie mode: CSRF and credentials', () => {
  it('gets a CSRF token before the first mutating request and sends it; GETs go without', async () => {
    const { server, client } = fakeSetup({ cookieMode: true });
    await client.login({ email: 'ada@example.com', password: 'pw' });
    await client.me();
    expect(server.calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      'GET /auth/csrf',
      'POST /auth/login',
      'GET /auth/me',
    ]);
    expect(server.calls[1]!.headers['x-csrf-token']).toBe('csrf-1');
    expect(server.calls[2]!.headers['x-csrf-token']).toBeUndefined();
    expect(server.calls.every((call) => call.credentials === 'include')).toBe(true);
  });

  it('keeps the x-csrf-token of a sign-in answer for the next mutating request', async () => {
    const { server, client } = fakeSetup({ cookieMode: true });
    await client.login({ email: 'ada@example.com', password: 'pw' });
    await client.refresh();
    const refresh = server.callsTo('POST', '/auth/refresh')[0]!;
    // The fake accepts only the login answer's token: the first one would have been a 403
    // and a second GET /auth/csrf.
    expect(refresh.headers['x-csrf-token']).not.toBe('csrf-1');
    expect(server.callsTo('GET', '/auth/csrf')).toHaveLength(1);
    expect(refresh.body).toEqual({}); // the refresh token travels in its cookie
  });

  it('on 403 csrf_failed fetches a new token once and retries', async () => {
    const { server, client } = fakeSetup({ cookieMode: true });
    await client.login({ email: 'ada@example.com', password: 'pw' });
    server.answerNext('POST', '/sessions/revoke-others', problem(403, 'csrf_failed'));
    await expect(client.request('POST', '/sessions/revoke-others')).resolves.toMatchObject({ ok: true });
    expect(server.callsTo('GET', '/auth/csrf')).toHaveLength(2);
    expect(server.callsTo('POST', '/sessions/revoke-others')).toHaveLength(2);
  });

  it('a second csrf_failed is thrown, without a third attempt', async () => {
    const { server, client } = fakeSetup({ cookieMode: true });
    await client.login({ email: 'ada@example.com', password: 'pw' });
    server.answerNext('DELETE', '/sessions/s1', problem(403, 'csrf_failed'), problem(403, 'csrf_failed'));
    await expect(client.request('DELETE', '/sessions/s1')).rejects.toMatchObject({
      status: 403,
      code: 'csrf_failed',
    });
    expect(server.callsTo('DELETE', '/sessions/s1')).toHaveLength(2);
    expect(server.callsTo('GET', '/auth/csrf')).toHaveLength(2);
  });

  it('never stores the refresh token, even when an answer carries one', async () => {
    const { server } = fakeSetup({ cookieMode: true });
    const stored: unknown[] = [];
    server.answerNext(
      'POST',
      '/auth/login',
      new Response(
        JSON.stringify({ accessToken: 'a', refreshToken: 'r', sessionId: 's', expiresIn: 900, user: {} }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      ),
    );
    const { client: spied } = fakeSetup(
      { cookieMode: true },
      {
        fetch: server.fetch,
        storage: {
          get: async () => null,
          set: async (_key, session) => void stored.push(session),
          remove: async () => undefined,
        },
      },
    );
    const session = await spied.login({ email: 'ada@example.com', password: 'pw' });
    expect(session).not.toHaveProperty('refreshToken');
    expect(stored).toHaveLength(1);
    expect(stored[0]).not.toHaveProperty('refreshToken');
  });

  it('after a reload (no tokens in memory) a request refreshes from the cookie first', async () => {
    const { server, client } = fakeSetup({ cookieMode: true });
    await client.login({ email: 'ada@example.com', password: 'pw' });
    // A new page: a new client on the same browser (the fake keeps the cookie).
    const { client: reloaded } = fakeSetup({ cookieMode: true }, { fetch: server.fetch });
    await expect(reloaded.me()).resolves.toMatchObject({ user: { id: 'user-1' } });
    expect(server.calls.slice(-3).map((call) => `${call.method} ${call.path}`)).toEqual([
      'GET /auth/csrf',
      'POST /auth/refresh',
      'GET /auth/me',
    ]);
  });
});
