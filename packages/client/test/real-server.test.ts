/**
 * The client against the real server (the in-process app listening on a loopback port) with
 * Node's fetch: bearer mode, cookie mode (with a cookie jar standing in for the browser's),
 * and concurrent requests meeting an expired access token.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, type GatehouseConfigInput } from '@gatehouse/core';
import { GatehouseClient, type GatehouseClientOptions } from '@gatehouse/client';
import { createTestServer, type TestServer } from '../../server/test/helpers/test-gatehouse.js';
import { cookieJarFetch } from './helpers/cookie-jar-fetch.js';

const EMAIL = 'client@example.com';
const PASSWORD = 'a long enough passphrase 42';

const opened: { server: TestServer; client: GatehouseClient }[] = [];
afterEach(async () => {
  for (const { server, client } of opened.splice(0)) {
    client.close();
    await server.close();
  }
});

async function start(
  config: GatehouseConfigInput,
  clientOptions: Partial<GatehouseClientOptions> = {},
  serverClock?: ManualClock,
) {
  const server = await createTestServer(config, serverClock ? { clock: serverClock } : {});
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = server.app.server.address() as AddressInfo;
  await server.createUser(EMAIL, PASSWORD);
  const baseUrl = `http://127.0.0.1:${port}`;
  const client = new GatehouseClient({ baseUrl, ...clientOptions });
  opened.push({ server, client });
  return { server, client, baseUrl };
}

async function auditTypes(server: TestServer): Promise<string[]> {
  await server.engine.audit.flush();
  return server.auditEvents.events.map((event) => event.type);
}

describe('against the real server', () => {
  it('bearer mode: login, me, refresh, logout', async () => {
    const { server, client, baseUrl } = await start({});
    const session = await client.login({ email: EMAIL, password: PASSWORD });
    expect(session).toMatchObject({ user: { email: EMAIL }, refreshToken: expect.any(String) });

    await expect(client.me()).resolves.toMatchObject({ user: { email: EMAIL }, session: { current: true } });
    const refreshed = await client.refresh();
    expect(refreshed.refreshToken).not.toBe((session as { refreshToken: string }).refreshToken);
    await expect(client.me()).resolves.toMatchObject({ session: { id: refreshed.sessionId } });

    await client.logout();
    expect(await client.session()).toBeNull();
    // The server ended the session: the last access token is refused (strict validation).
    const after = await fetch(`${baseUrl}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${refreshed.accessToken}` },
    });
    expect(after.status).toBe(401);
    expect(await auditTypes(server)).toContain('refresh.rotated');
  });

  it('cookie mode: the refresh token stays in the cookie; CSRF handled; logout clears the cookie', async () => {
    const { fetch: jarFetch, jar } = cookieJarFetch();
    const { client, baseUrl } = await start(
      { server: { cookieMode: true } },
      { cookieMode: true, fetch: jarFetch },
    );
    const session = await client.login({ email: EMAIL, password: PASSWORD });
    expect(session).not.toHaveProperty('refreshToken');
    expect([...jar.keys()].sort()).toEqual(['gh_csrf', 'gh_rt']);

    await expect(client.me()).resolves.toMatchObject({ user: { email: EMAIL } });
    const cookieBefore = jar.get('gh_rt');
    const refreshed = await client.refresh(); // x-csrf-token from the login answer, refresh token from the cookie
    expect(refreshed.accessToken).not.toBe((session as { accessToken: string }).accessToken);
    expect(jar.get('gh_rt')).not.toBe(cookieBefore);

    // A reload: a new client with nothing in memory signs back in from the cookie.
    const reloaded = new GatehouseClient({ baseUrl, cookieMode: true, fetch: jarFetch });
    await expect(reloaded.me()).resolves.toMatchObject({ user: { email: EMAIL } });
    reloaded.close();

    await client.logout();
    expect(jar.has('gh_rt')).toBe(false);
  });

  it.each([
    ['bearer', {}, {}],
    ['cookie', { server: { cookieMode: true } }, { cookieMode: true }],
  ] as const)(
    '%s mode: 5 concurrent requests with an expired access token make exactly one refresh, no reuse',
    async (_mode, config, options) => {
      const clock = new ManualClock(Date.now());
      const extra = 'cookieMode' in options ? { fetch: cookieJarFetch().fetch } : {};
      const { server, client } = await start(config, { ...options, ...extra }, clock);
      await client.login({ email: EMAIL, password: PASSWORD });
      clock.advance(16 * 60_000); // past the 15-minute access token lifetime

      const answers = await Promise.all(Array.from({ length: 5 }, () => client.me()));

      expect(answers.every((answer) => answer.user.email === EMAIL)).toBe(true);
      const types = await auditTypes(server);
      expect(types.filter((type) => type === 'refresh.rotated')).toHaveLength(1);
      expect(types).not.toContain('refresh.reuse_detected');
      expect(types).not.toContain('refresh.conflict');
    },
  );
});
