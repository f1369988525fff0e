import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@gatehouse/core';
import { createTestServer, type TestServer } from './helpers/test-gatehouse.js';

const PASSWORD = 'a sturdy passphrase 42';

/** The `kid` in an access token's protected header. */
const kidOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid as string;

/**
 * POST /admin/keys/rotate. Instances reload keys every tokens.keyRefreshIntervalSeconds, so
 * a next key may sign only once every instance can have loaded it: a rotation right after
 * another one would make a key sign that other instances have never seen.
 */
describe('signing key rotation over HTTP', () => {
  const clock = new ManualClock(Date.now());
  const refreshSeconds = 15;
  let server: TestServer;
  let adminToken: string;

  beforeAll(async () => {
    server = await createTestServer({ tokens: { keyRefreshIntervalSeconds: refreshSeconds } }, { clock });
    await server.app.ready();
    await server.createUser('keys@example.com', PASSWORD, { roles: ['user', 'admin'] });
    adminToken = (await login()).accessToken;
  });
  afterAll(() => server.close());

  async function login(): Promise<{ accessToken: string }> {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'keys@example.com', password: PASSWORD },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }
  const rotate = () =>
    server.app.inject({
      method: 'POST',
      url: '/api/v1/admin/keys/rotate',
      headers: { authorization: `Bearer ${adminToken}` },
    });
  const jwks = async () => (await server.app.inject('/.well-known/jwks.json')).json();

  it('refuses to promote the next key before every instance can have loaded it: 409 with retry-after', async () => {
    const before = server.gatehouse.keyring.current().kid;
    const published = await jwks();
    const refused = await rotate();
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ code: 'rotation_too_soon', status: 409 });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(refreshSeconds - 1);
    expect(retryAfter).toBeLessThanOrEqual(refreshSeconds + 5);
    expect(server.gatehouse.keyring.current().kid).toBe(before);
    expect(await jwks()).toEqual(published);
  });

  it('rotates once the next key is old enough: old tokens keep working, new ones use the new kid', async () => {
    const before = server.gatehouse.keyring.current().kid;
    clock.advance((refreshSeconds + 5) * 1000);
    const rotated = await rotate();
    expect(rotated.statusCode, rotated.body).toBe(204);
    expect(server.gatehouse.keyring.current().kid).not.toBe(before);
    const me = await server.app.inject({
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(me.statusCode).toBe(200);
    expect(kidOf((await login()).accessToken)).toBe(server.gatehouse.keyring.current().kid);
  });

  it('a second rotation right after the first is refused until the new next key has aged', async () => {
    const signing = server.gatehouse.keyring.current().kid;
    expect((await rotate()).statusCode).toBe(409);
    clock.advance(refreshSeconds * 1000);
    const stillTooSoon = await rotate();
    expect(stillTooSoon.statusCode).toBe(409);
    expect(Number(stillTooSoon.headers['retry-after'])).toBe(5);
    expect(server.gatehouse.keyring.current().kid).toBe(signing);
    clock.advance(5000);
    expect((await rotate()).statusCode).toBe(204);
    expect(server.gatehouse.keyring.current().kid).not.toBe(signing);
  });

  it('parallel rotations from two admins rotate once', async () => {
    clock.advance((refreshSeconds + 5) * 1000);
    const before = server.gatehouse.keyring.current().kid;
    const publishedBefore = (await jwks()).keys.length;
    const answers = await Promise.all([rotate(), rotate(), rotate()]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([204, 409, 409]);
    const kids = (await jwks()).keys.map((key: { kid: string }) => key.kid);
    expect(kids).toContain(before); // retired, still in its grace window
    expect(kids).toHaveLength(publishedBefore + 1); // one retirement, one new next key
  });
});
