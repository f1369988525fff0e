import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../src/index.js';
import { fakeSetup } from './helpers/client-setup.js';
import { json, problem } from './helpers/fake-gatehouse.js';

async function signedIn() {
  const setup = fakeSetup();
  await setup.client.login({ email: 'ada@example.com', password: 'pw' });
  return setup;
}

describe('errors and timeouts', () => {
  it('maps a problem document to a GatehouseError with status, code, detail and requestId', async () => {
    const { server, client } = await signedIn();
    server.answerNext(
      'POST',
      '/users/me/password',
      problem(400, 'weak_password', { detail: 'Too short', reason: 'too_short' }),
    );
    const error = await client
      .request('POST', '/users/me/password', { password: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toMatchObject({ status: 400, code: 'weak_password', detail: 'Too short' });
    expect((error as GatehouseError).requestId).toMatch(/^req-\d+$/);
    expect((error as GatehouseError).problem?.reason).toBe('too_short');
  });

  it('keeps retry-after of a 429', async () => {
    const { server, client } = await signedIn();
    const limited = problem(429, 'rate_limited');
    limited.headers.set('retry-after', '30');
    server.answerNext('GET', '/sessions', limited);
    await expect(client.request('GET', '/sessions')).rejects.toMatchObject({
      status: 429,
      code: 'rate_limited',
      retryAfterSeconds: 30,
    });
  });

  it('an error answer that is not a problem document is http_error with its status', async () => {
    const { server, client } = await signedIn();
    server.answerNext('GET', '/sessions', new Response('<h1>Bad gateway</h1>', { status: 502 }));
    await expect(client.request('GET', '/sessions')).rejects.toMatchObject({
      status: 502,
      code: 'http_error',
    });
  });

  it('a network failure is network_error with status 0, and the session stays', async () => {
    const { server, client } = await signedIn();
    server.answerNext('GET', '/sessions', 'network-error');
    const error = await client.request('GET', '/sessions').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, code: 'network_error' });
    expect((error as Error).cause).toBeInstanceOf(TypeError);
    expect(await client.session()).not.toBeNull();
  });

  it('aborts an exchange after timeoutMs (10 s by default): timeout, status 0', async () => {
    const { server, client, clock } = await signedIn();
    server.answerNext('GET', '/sessions', 'hang');
    let settled = false;
    const outcome = client
      .request('GET', '/sessions')
      .catch((e: unknown) => e)
      .finally(() => (settled = true));
    await clock.advance(9_999);
    expect(settled).toBe(false);
    await clock.advance(1);
    expect(await outcome).toMatchObject({ status: 0, code: 'timeout' });
  });

  it('takes timeoutMs from the options', async () => {
    const { server, client, clock } = fakeSetup({}, { timeoutMs: 500 });
    server.answerNext('POST', '/auth/login', 'hang');
    const outcome = client.login({ email: 'ada@example.com', password: 'pw' }).catch((e: unknown) => e);
    await clock.advance(500);
    expect(await outcome).toMatchObject({ status: 0, code: 'timeout' });
  });

  it('a refresh that fails on the network leaves the session alone (no sign-out)', async () => {
    const { server, client } = await signedIn();
    server.expireAccessTokens();
    server.answerNext('POST', '/auth/refresh', 'network-error');
    await expect(client.me()).rejects.toMatchObject({ status: 0, code: 'network_error' });
    expect(await client.session()).toMatchObject({ refreshToken: 'refresh-1' });
    await expect(client.me()).resolves.toMatchObject({ user: { id: 'user-1' } }); // next try works
  });

  it('without a session a request is not_signed_in, sent nowhere', async () => {
    const { server, client } = fakeSetup();
    await expect(client.me()).rejects.toMatchObject({ status: 401, code: 'not_signed_in' });
    expect(server.calls).toHaveLength(0);
  });

  it('sends JSON to baseUrl + /api/v1 with the bearer token and the tenant', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const { client } = fakeSetup(
      {},
      {
        baseUrl: 'https://example.com/auth/',
        tenant: 'acme',
        fetch: async (url, init) => {
          calls.push({ url, init });
          return json(200, { accessToken: 'a', sessionId: 's', expiresIn: 60, user: {}, refreshToken: 'r' });
        },
      },
    );
    await client.login({ email: 'ada@example.com', password: 'pw' });
    await client.request('put', '/users/me', { name: 'Ada' });
    expect(calls.map((call) => call.url)).toEqual([
      'https://example.com/auth/api/v1/auth/login',
      'https://example.com/auth/api/v1/users/me',
    ]);
    const headers = new Headers(calls[1]!.init.headers);
    expect(calls[1]!.init.method).toBe('PUT');
    expect(headers.get('authorization')).toBe('Bearer a');
    expect(headers.get('x-tenant-id')).toBe('acme');
    expect(headers.get('content-type')).toBe('application/json');
    expect(calls[1]!.init.body).toBe('{"name":"Ada"}');
    expect(calls[1]!.init.credentials).toBeUndefined(); // cookies only in cookie mode
  });
});
