import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../src/index.js';
import { fakeSetup } from './helpers/client-setup.js';
import { problem } from './helpers/fake-gatehouse.js';

/** Records the events a client emits. */
function eventsOf(client: ReturnType<typeof fakeSetup>['client']) {
  const seen: string[] = [];
  for (const name of ['signedIn', 'signedOut', 'tokenRefreshed', 'sessionRevoked'] as const) {
    client.on(name, () => seen.push(name));
  }
  return seen;
}

describe('409 refresh_conflict: another tab or process won', () => {
  it('adopts the winner tokens from shared storage after a short wait, without signing out', async () => {
    const storage = memoryStorage();
    const { server, client, clock } = fakeSetup({}, { storage });
    await client.login({ email: 'ada@example.com', password: 'pw' });
    const events = eventsOf(client);
    server.expireAccessTokens();
    // Another process sharing the storage rotates first and writes its tokens a moment later.
    const winner = server.rotateElsewhere();

    const outcome = client.me();
    await clock.advance(10); // the refresh met its 409 and waits
    expect(server.callsTo('POST', '/auth/refresh')).toHaveLength(1);
    const mine = (await client.session())!;
    await storage.set('gatehouse.session', { ...mine, ...winner, expiresAt: clock.now() + 900_000 });
    await clock.advance(200);

    await expect(outcome).resolves.toMatchObject({ user: { id: 'user-1' } });
    expect(server.callsTo('POST', '/auth/refresh')).toHaveLength(1); // the old token was not resent
    expect(server.callsTo('GET', '/auth/me').at(-1)!.headers.authorization).toBe(
      `Bearer ${winner.accessToken}`,
    );
    expect(events).toEqual(['tokenRefreshed']);
  });

  it('with no winner tokens to find, throws the 409 and keeps the session (never resends the token)', async () => {
    const { server, client, clock } = fakeSetup();
    await client.login({ email: 'ada@example.com', password: 'pw' });
    const events = eventsOf(client);
    server.rotateElsewhere();
    server.expireAccessTokens();

    const outcome = client.me().catch((error: unknown) => error);
    await clock.advance(1_000);

    expect(await outcome).toMatchObject({ status: 409, code: 'refresh_conflict' });
    expect(server.callsTo('POST', '/auth/refresh')).toHaveLength(1);
    expect(await client.session()).toMatchObject({ refreshToken: 'refresh-1' });
    expect(events).toEqual([]);
  });

  it('cookie mode: asks once more (the browser now sends the winner cookie) and succeeds', async () => {
    const { server, client, clock } = fakeSetup({ cookieMode: true });
    await client.login({ email: 'ada@example.com', password: 'pw' });
    server.expireAccessTokens();
    server.answerNext('POST', '/auth/refresh', problem(409, 'refresh_conflict'));

    const outcome = client.me();
    await clock.advance(200);

    await expect(outcome).resolves.toMatchObject({ user: { id: 'user-1' } });
    expect(server.callsTo('POST', '/auth/refresh')).toHaveLength(2);
  });

  it('cookie mode: a second 409 is thrown, the session kept', async () => {
    const { server, client, clock } = fakeSetup({ cookieMode: true });
    await client.login({ email: 'ada@example.com', password: 'pw' });
    server.expireAccessTokens();
    server.answerNext(
      'POST',
      '/auth/refresh',
      problem(409, 'refresh_conflict'),
      problem(409, 'refresh_conflict'),
    );

    const outcome = client.me().catch((error: unknown) => error);
    await clock.advance(1_000);

    expect(await outcome).toMatchObject({ status: 409, code: 'refresh_conflict' });
    expect(server.callsTo('POST', '/auth/refresh')).toHaveLength(2);
    expect(await client.session()).not.toBeNull();
  });
});

describe('a refused refresh token ends the session', () => {
  it.each(['invalid_refresh_token', 'refresh_token_reused'])(
    '401 %s: sessionRevoked, tokens cleared from memory and storage',
    async (code) => {
      const storage = memoryStorage();
      const { server, client } = fakeSetup({}, { storage });
      await client.login({ email: 'ada@example.com', password: 'pw' });
      const revoked: unknown[] = [];
      client.on('sessionRevoked', (error) => revoked.push(error));
      server.expireAccessTokens();
      server.answerNext('POST', '/auth/refresh', problem(401, code));

      await expect(client.me()).rejects.toMatchObject({ status: 401, code });
      expect(revoked).toEqual([expect.objectContaining({ code })]);
      expect(await client.session()).toBeNull();
      expect(await storage.get('gatehouse.session')).toBeNull();
    },
  );
});
