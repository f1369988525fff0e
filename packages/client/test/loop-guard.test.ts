import { describe, expect, it } from 'vitest';
import { GatehouseError, MAX_REFRESHES_PER_REQUEST } from '../src/index.js';
import { fakeSetup } from './helpers/client-setup.js';
import { problem } from './helpers/fake-gatehouse.js';
import { settle } from './helpers/fake-clock.js';

describe('401 loop guard', () => {
  it('refreshes at most twice per request, then throws the 401 and keeps the session', async () => {
    const { server, client, clock } = fakeSetup();
    await client.login({ email: 'ada@example.com', password: 'pw' });
    // The API refuses every token, fresh ones too (a clock skew, a wrong audience...).
    server.answerNext('GET', '/auth/me', ...Array.from({ length: 5 }, () => problem(401, 'invalid_token')));
    const events: string[] = [];
    client.on('sessionRevoked', () => events.push('sessionRevoked'));
    client.on('signedOut', () => events.push('signedOut'));

    const outcome = client.me().catch((error: unknown) => error);
    await clock.advance(10_000);
    const error = await outcome;

    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_token' });
    expect(server.callsTo('POST', '/auth/refresh')).toHaveLength(MAX_REFRESHES_PER_REQUEST);
    expect(server.callsTo('GET', '/auth/me')).toHaveLength(MAX_REFRESHES_PER_REQUEST + 1);
    expect(await client.session()).not.toBeNull();
    expect(events).toEqual([]);
  });

  it('waits with backoff (250 ms ceiling, equal jitter) before the second refresh, none before the first', async () => {
    const { server, client, clock } = fakeSetup();
    await client.login({ email: 'ada@example.com', password: 'pw' });
    server.answerNext('GET', '/auth/me', problem(401, 'invalid_token'), problem(401, 'invalid_token'));

    const outcome = client.me();
    await settle();
    expect(server.callsTo('POST', '/auth/refresh')).toHaveLength(1); // at once
    expect(server.callsTo('GET', '/auth/me')).toHaveLength(2);
    // random() = 0.5: 125 + 0.5 * 125 = 188 ms (rounded).
    expect(clock.pending()[0]).toBe(188);
    await clock.advance(187);
    expect(server.callsTo('POST', '/auth/refresh')).toHaveLength(1);
    await clock.advance(1);
    expect(server.callsTo('POST', '/auth/refresh')).toHaveLength(2);
    await expect(outcome).resolves.toMatchObject({ user: { email: 'ada@example.com' } });
  });

  it('does not refresh on a 401 that is an answer (a wrong password), only on a dead token', async () => {
    const { server, client } = fakeSetup();
    await client.login({ email: 'ada@example.com', password: 'pw' });
    server.answerNext('POST', '/auth/step-up', problem(401, 'invalid_credentials'));
    await expect(client.request('POST', '/auth/step-up', { password: 'wrong' })).rejects.toMatchObject({
      status: 401,
      code: 'invalid_credentials',
    });
    expect(server.callsTo('POST', '/auth/refresh')).toHaveLength(0);
  });
});
