import { describe, expect, it } from 'vitest';
import type { ClientEventName } from '../src/index.js';
import { fakeSetup } from './helpers/client-setup.js';

function record(client: ReturnType<typeof fakeSetup>['client']) {
  const seen: [ClientEventName, unknown][] = [];
  for (const name of ['signedIn', 'signedOut', 'tokenRefreshed', 'sessionRevoked'] as const) {
    client.on(name, (payload) => seen.push([name, payload]));
  }
  return seen;
}

describe('sign-in and events', () => {
  it('login → signedIn, refresh → tokenRefreshed, logout → signedOut (and the server told)', async () => {
    const { server, client } = fakeSetup();
    const seen = record(client);
    const session = await client.login({ email: 'ada@example.com', password: 'pw' });
    expect(session).toMatchObject({
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
      sessionId: 'session-1',
    });
    await client.refresh();
    await client.logout();

    expect(seen.map(([name]) => name)).toEqual(['signedIn', 'tokenRefreshed', 'signedOut']);
    expect(seen[1]![1]).toMatchObject({ accessToken: 'access-2' });
    expect(seen[2]![1]).toEqual({ reason: 'logout' });
    expect(server.callsTo('POST', '/auth/logout')[0]!.headers.authorization).toBe('Bearer access-2');
    expect(await client.session()).toBeNull();
  });

  it('login with a second factor: the challenge first (no session yet), then verifyMfa signs in', async () => {
    const { server, client } = fakeSetup({ mfa: true });
    const seen = record(client);
    const challenge = await client.login({ email: 'ada@example.com', password: 'pw' });
    expect(challenge).toEqual({ mfaRequired: true, challengeId: 'challenge-1', methods: ['totp'] });
    expect(seen).toEqual([]);
    expect(await client.session()).toBeNull();

    const session = await client.verifyMfa({ challengeId: 'challenge-1', method: 'totp', code: '123456' });
    expect(session.accessToken).toBe('access-1');
    expect(server.callsTo('POST', '/auth/mfa/verify')[0]!.body).toEqual({
      challengeId: 'challenge-1',
      method: 'totp',
      code: '123456',
    });
    expect(seen.map(([name]) => name)).toEqual(['signedIn']);
  });

  it('logout ends the session here even when the server cannot be reached, and says so', async () => {
    const { server, client } = fakeSetup();
    await client.login({ email: 'ada@example.com', password: 'pw' });
    server.answerNext('POST', '/auth/logout', 'network-error');
    await expect(client.logout()).rejects.toMatchObject({ code: 'network_error' });
    expect(await client.session()).toBeNull();
  });

  it('an event handler that throws does not break the client', async () => {
    const { client } = fakeSetup();
    client.on('signedIn', () => {
      throw new Error('app bug');
    });
    const thrown: unknown[] = [];
    const onUncaught = (error: unknown) => thrown.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      await expect(client.login({ email: 'ada@example.com', password: 'pw' })).resolves.toMatchObject({
        sessionId: 'session-1',
      });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(thrown).toEqual([expect.objectContaining({ message: 'app bug' })]);
  });

  it('unsubscribes', async () => {
    const { client } = fakeSetup();
    let calls = 0;
    const off = client.on('signedIn', () => (calls += 1));
    off();
    await client.login({ email: 'ada@example.com', password: 'pw' });
    expect(calls).toBe(0);
  });
});
