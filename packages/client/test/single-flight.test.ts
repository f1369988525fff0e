import { describe, expect, it } from 'vitest';
import { fakeSetup } from './helpers/client-setup.js';
import { problem } from './helpers/fake-gatehouse.js';

describe('single-flight refresh', () => {
  it('10 concurrent requests meeting a dead access token cause exactly one refresh', async () => {
    const { server, client } = fakeSetup();
    await client.login({ email: 'ada@example.com', password: 'pw' });
    server.expireAccessTokens();
    // Hold the refresh so every request has met its 401 before the refresh answers.
    let release!: () => void;
    server.refreshGate = new Promise((resolve) => (release = resolve));

    const requests = Array.from({ length: 10 }, () => client.me());
    await new Promise((resolve) => setImmediate(resolve));
    release();
    const answers = await Promise.all(requests);

    expect(answers.every((answer) => answer.user.email === 'ada@example.com')).toBe(true);
    expect(server.callsTo('POST', '/auth/refresh')).toHaveLength(1);
    expect(server.callsTo('GET', '/auth/me')).toHaveLength(20); // each: one 401, one success
    const retried = server.callsTo('GET', '/auth/me').slice(10);
    expect(new Set(retried.map((call) => call.headers.authorization))).toEqual(new Set(['Bearer access-2']));
  });

  it('a 401 that arrives after the refresh finished uses the new tokens: no second refresh', async () => {
    const { server, client } = fakeSetup();
    await client.login({ email: 'ada@example.com', password: 'pw' });
    server.expireAccessTokens();
    let answerLate!: (response: Response) => void;
    server.answerNext(
      'GET',
      '/auth/me',
      problem(401, 'invalid_token'),
      new Promise<Response>((resolve) => (answerLate = resolve)),
    );

    const early = client.me();
    const late = client.me();
    await early; // met its 401, refreshed, retried with the new token
    expect(server.callsTo('POST', '/auth/refresh')).toHaveLength(1);
    answerLate(problem(401, 'invalid_token')); // the old token's 401, after the refresh
    await late;

    expect(server.callsTo('POST', '/auth/refresh')).toHaveLength(1);
    const lastMe = server.callsTo('GET', '/auth/me').at(-1)!;
    expect(lastMe.headers.authorization).toBe('Bearer access-2');
  });

  it('concurrent explicit refresh() calls share one request', async () => {
    const { server, client } = fakeSetup();
    await client.login({ email: 'ada@example.com', password: 'pw' });
    const sessions = await Promise.all([client.refresh(), client.refresh(), client.refresh()]);
    expect(new Set(sessions.map((session) => session.accessToken)).size).toBe(1);
    expect(server.callsTo('POST', '/auth/refresh')).toHaveLength(1);
  });
});
