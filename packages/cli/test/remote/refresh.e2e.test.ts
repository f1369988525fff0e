import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatehouse, tempHome } from '../totp/helpers/cli.js';
import { waitFor } from '../helpers/process.js';
import { PASSWORD, call, serverWithUsers, storedSession, type TestServer } from './helpers/server.js';

const EMAIL = 'short@example.com';
/** Access tokens live 2 s here (and no clock leeway), so the CLI must refresh them between commands. */
const TTL_SECONDS = 2;

let server: TestServer;
beforeAll(async () => {
  server = await serverWithUsers([EMAIL], {
    GATEHOUSE_TOKENS__ACCESS_TOKEN_TTL_SECONDS: String(TTL_SECONDS),
    GATEHOUSE_TOKENS__CLOCK_LEEWAY_SECONDS: '0',
  });
});
afterAll(async () => {
  await server?.stop();
});

/** Waits (polling, with a deadline) until the server refuses `accessToken`: it has expired. */
async function expired(accessToken: string): Promise<void> {
  await waitFor(
    async () => (await call(server.url, 'GET', '/auth/me', undefined, accessToken)).status === 401,
    TTL_SECONDS * 1000 + 10_000,
  );
}

describe('access-token refresh', () => {
  it('refreshes an expired access token transparently, rotating the stored refresh token', async () => {
    const home = await tempHome();
    const signedIn = await gatehouse(
      ['login', '--server', server.url, '--email', EMAIL, '--password-stdin'],
      home.env,
      {
        input: `${PASSWORD}\n`,
      },
    );
    expect(signedIn.code).toBe(0);
    const before = await storedSession(home.env);
    // The stored access token dies.
    await expired(before.tokens.accessToken);

    const whoami = await gatehouse(['whoami'], home.env);
    expect(whoami).toMatchObject({ code: 0, stderr: '' });
    expect(whoami.stdout).toMatch(new RegExp(`^${EMAIL}\\t`));
    const after = await storedSession(home.env);
    expect(after.header.sessionId).toBe(before.header.sessionId);
    expect(after.tokens.refreshToken).not.toBe(before.tokens.refreshToken);
    expect(after.tokens.accessToken).not.toBe(before.tokens.accessToken);

    // Two commands at once after expiry: one refreshes, the other waits for the lock and
    // uses what it stored; neither sends a rotated token again, so the session survives.
    await expired(after.tokens.accessToken);
    const both = await Promise.all([gatehouse(['whoami'], home.env), gatehouse(['sessions'], home.env)]);
    expect(both.map((result) => [result.code, result.stderr])).toEqual([
      [0, ''],
      [0, ''],
    ]);
    const last = await storedSession(home.env);
    expect((await call(server.url, 'GET', '/auth/me', undefined, last.tokens.accessToken)).status).toBe(200);
  });
});
