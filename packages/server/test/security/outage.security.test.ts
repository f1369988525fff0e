/**
 * A StateStore outage fails closed (API.md: "503 a required backend is down (fail closed;
 * never allow)"): with Redis stopped or hung, every answer that needs it is 503
 * `unavailable` — never a 200 and never a 401 a client would take for a verdict — while
 * `verify-token?mode=jwt` (no I/O by design) still answers. When Redis is back, so is service.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { describeWithEnv } from '../../../core/test/helpers/real-backends.js';
import { PASSWORD, expectProblem, type SecurityServer, type TokenPair } from './harness.js';
import { eventually, openRedisBackedServer } from './redis-backed.js';
import type { OwnRedisServer } from '../../../core/test/state/redis-server.js';

describeWithEnv('REDIS_URL', 'StateStore outage (private redis-server)', () => {
  let server: SecurityServer;
  let redis: OwnRedisServer;
  let close: () => Promise<void>;
  let pair: TokenPair;

  beforeAll(async () => {
    ({ server, redis, close } = await openRedisBackedServer());
    await server.createUser('steady@example.com');
    pair = await server.login('steady@example.com');
  });
  afterAll(() => close?.());

  /** Every call that needs the StateStore, and what it answers when all is well. */
  const dependent = () =>
    [
      ['login', () => server.post('/auth/login', { email: 'steady@example.com', password: PASSWORD }), 200],
      [
        'login (unknown email)',
        () => server.post('/auth/login', { email: 'nope@example.com', password: PASSWORD }),
        401,
      ],
      [
        'register',
        () => server.post('/auth/register', { email: 'new@example.com', password: PASSWORD }),
        202,
      ],
      ['refresh', () => server.post('/auth/refresh', { refreshToken: pair.refreshToken }), 200],
      ['strict /auth/me', () => server.get('/auth/me', { token: pair.accessToken }), 200],
      [
        'verify-token strict',
        () => server.get('/auth/verify-token?mode=strict', { token: pair.accessToken }),
        204,
      ],
      [
        'verify-token (configured mode)',
        () => server.get('/auth/verify-token', { token: pair.accessToken }),
        204,
      ],
      ['sessions list', () => server.get('/sessions', { token: pair.accessToken }), 200],
    ] as const satisfies readonly (readonly [string, () => Promise<LightMyRequestResponse>, number])[];

  const jwtCheck = () => server.get('/auth/verify-token?mode=jwt', { token: pair.accessToken });

  async function expectFailsClosed() {
    for (const [name, call] of dependent()) {
      const response = await call();
      expect(response.statusCode, `${name}: ${response.body}`).toBe(503);
      expectProblem(response, 503, 'unavailable');
    }
    const jwt = await jwtCheck();
    expect(jwt.statusCode, 'jwt mode needs no I/O').toBe(204);
    expect(jwt.headers['x-user-id']).toBe(pair.user.id);
  }

  it('all is well first (the control)', async () => {
    expect((await server.get('/auth/me', { token: pair.accessToken })).statusCode).toBe(200);
    expect((await server.get('/auth/verify-token?mode=strict', { token: pair.accessToken })).statusCode).toBe(
      204,
    );
  });

  it('a hung Redis (CLIENT PAUSE) is 503 within the command timeout, not a hang and not a verdict', async () => {
    // Without a command deadline the check would wait out the pause and then answer 204.
    await redis.pause(3_000);
    const response = await server.get('/auth/verify-token?mode=strict', { token: pair.accessToken });
    expectProblem(response, 503, 'unavailable');
    expect((await jwtCheck()).statusCode).toBe(204);
    await eventually(
      async () => (await server.get('/auth/me', { token: pair.accessToken })).statusCode === 200,
    );
  });

  it('a stopped Redis: login, refresh, register and strict checks are 503; mode=jwt still answers', async () => {
    await redis.stop();
    await expectFailsClosed();
    await expectFailsClosed(); // and stays closed (no "allow" after a few failures)
  });

  it('after Redis restarts, service resumes (its data went with it: a fresh sign-in)', async () => {
    await redis.restart();
    await eventually(async () => {
      const response = await server.post('/auth/login', { email: 'steady@example.com', password: PASSWORD });
      if (response.statusCode === 200) pair = response.json() as TokenPair;
      else expectProblem(response, 503, 'unavailable');
      return response.statusCode === 200;
    });
    for (const [name, call, ok] of dependent()) {
      const response = await call();
      expect(response.statusCode, `${name}: ${response.body}`).toBe(ok);
      if (name === 'refresh') pair = { ...pair, ...(response.json() as TokenPair) };
    }
  });
});
