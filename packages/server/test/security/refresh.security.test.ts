/**
 * Refresh-token rotation under attack (API.md "Refresh replay"): replays from the same
 * device, from another device, after the conflict window; racing clients; tokens of ended
 * sessions; and malformed or forged tokens that must not end anyone's session.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@gatehouse/core';
import {
  CHEAP_ARGON2,
  expectProblem,
  openSecurityServer,
  type RequestOptions,
  type SecurityServer,
  type TokenPair,
} from './harness.js';

const HOME = { headers: { 'x-forwarded-for': '198.51.100.1' } } satisfies RequestOptions;

describe('refresh token attacks', () => {
  const clock = new ManualClock(Date.now());
  let server: SecurityServer;
  let adminToken: string;
  let n = 0;

  beforeAll(async () => {
    // Loopback is a trusted proxy, so x-forwarded-for is the client IP (a device's other half).
    server = await openSecurityServer(
      { passwords: CHEAP_ARGON2, server: { trustedProxies: ['loopback'] } },
      { clock },
    );
    await server.createUser('admin@example.com', undefined, { roles: ['user', 'admin'] });
    adminToken = (await server.login('admin@example.com')).accessToken;
  });
  afterAll(() => server.close());

  /** A fresh user signed in from HOME. */
  async function signedIn(): Promise<TokenPair & { email: string }> {
    const email = `r${++n}@example.com`;
    await server.createUser(email);
    return { ...(await server.login(email, undefined, HOME)), email };
  }
  const refresh = (refreshToken: unknown, options: RequestOptions = HOME) =>
    server.post('/auth/refresh', { refreshToken }, options);
  async function rotate(refreshToken: string, options: RequestOptions = HOME): Promise<TokenPair> {
    const response = await refresh(refreshToken, options);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as TokenPair;
  }
  /** The session is gone: its access token fails strict validation and its refresh token is dead. */
  async function expectSessionRevoked(pair: TokenPair) {
    expectProblem(await server.get('/auth/me', { token: pair.accessToken, ...HOME }), 401, 'invalid_token');
    expectProblem(
      await server.get('/auth/verify-token?mode=strict', { token: pair.accessToken }),
      401,
      'invalid_token',
    );
    expectProblem(await refresh(pair.refreshToken), 401, 'invalid_refresh_token');
  }
  async function expectSessionAlive(pair: TokenPair) {
    expect((await server.get('/auth/me', { token: pair.accessToken, ...HOME })).statusCode).toBe(200);
  }

  it('rotates on every use; an older generation coming back is reuse and ends the session', async () => {
    const first = await signedIn();
    const chain: TokenPair[] = [first];
    for (let i = 0; i < 5; i++) chain.push(await rotate(chain.at(-1)!.refreshToken));
    expect(new Set(chain.map((pair) => pair.refreshToken)).size).toBe(chain.length);
    expect(new Set(chain.map((pair) => pair.sessionId))).toEqual(new Set([first.sessionId]));
    await expectSessionAlive(chain.at(-1)!);
    // Two generations back, same device, inside the window: not a race, a copy.
    expectProblem(await refresh(chain[3]!.refreshToken), 401, 'refresh_token_reused');
    await expectSessionRevoked(chain.at(-1)!);
  });

  it('same-device replay inside the window is a 409 conflict and the successor stays valid', async () => {
    const pair = await signedIn();
    const successor = await rotate(pair.refreshToken);
    clock.advance(9_000);
    const conflict = expectProblem(await refresh(pair.refreshToken), 409, 'refresh_conflict');
    expect(conflict).not.toHaveProperty('retryAfter');
    expect((await refresh(pair.refreshToken)).headers['retry-after']).toBeUndefined();
    await expectSessionAlive(successor);
    await expectSessionAlive(await rotate(successor.refreshToken));
  });

  it.each([
    ['another user agent', { headers: { ...HOME.headers, 'user-agent': 'attacker-browser/6.6' } }],
    [
      'another IP (x-forwarded-for via the trusted proxy)',
      { headers: { 'x-forwarded-for': '203.0.113.66' } },
    ],
  ])('a replay from %s inside the window is reuse: 401 and the session revoked', async (_name, device) => {
    const pair = await signedIn();
    const successor = await rotate(pair.refreshToken);
    expectProblem(await refresh(pair.refreshToken, device), 401, 'refresh_token_reused');
    await expectSessionRevoked(successor);
  });

  it('a replay after the window, from the same device, is reuse', async () => {
    const pair = await signedIn();
    const successor = await rotate(pair.refreshToken);
    clock.advance(10_001);
    expectProblem(await refresh(pair.refreshToken), 401, 'refresh_token_reused');
    await expectSessionRevoked(successor);
    const events = await server.audit();
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'refresh.reuse_detected', sessionId: pair.sessionId }),
    );
  });

  it.each([10, 30])(
    '%i parallel refreshes with one token: exactly one 200, every other a 409, each audited',
    async (count) => {
      const pair = await signedIn();
      const answers = await Promise.all(Array.from({ length: count }, () => refresh(pair.refreshToken)));
      const winners = answers.filter((answer) => answer.statusCode === 200);
      const conflicts = answers.filter((answer) => answer.statusCode === 409);
      expect(winners).toHaveLength(1);
      expect(conflicts).toHaveLength(count - 1);
      for (const conflict of conflicts) expectProblem(conflict, 409, 'refresh_conflict');
      const audited = (await server.audit()).filter(
        (event) => event.type === 'refresh.conflict' && event.sessionId === pair.sessionId,
      );
      expect(audited.map((event) => event.requestId).sort()).toEqual(
        conflicts.map((conflict) => conflict.headers['x-request-id']).sort(),
      );
      await expectSessionAlive(await rotate((winners[0]!.json() as TokenPair).refreshToken));
    },
  );

  const admin = (url: string, payload?: object) =>
    server.call('PUT', url, { token: adminToken, ...(payload ? { payload } : {}) });
  it.each([
    ['logout', (pair: TokenPair) => server.post('/auth/logout', {}, { token: pair.accessToken })],
    [
      'logout-all',
      (pair: TokenPair) => server.post('/auth/logout-all', undefined, { token: pair.accessToken }),
    ],
    ['revoke', (pair: TokenPair) => server.post('/auth/revoke', { refreshToken: pair.refreshToken })],
    ['a role change', (pair: TokenPair) => admin(`/admin/users/${pair.user.id}/roles`, { roles: ['user'] })],
    ['disabling the account', (pair: TokenPair) => admin(`/admin/users/${pair.user.id}/disable`)],
  ])('refresh after %s is 401 invalid_refresh_token', async (_name, end) => {
    const pair = await signedIn();
    const current = await rotate(pair.refreshToken);
    const ended = await end(current);
    expect(ended.statusCode, ended.body).toBeLessThan(300);
    expectProblem(await refresh(current.refreshToken), 401, 'invalid_refresh_token');
    expectProblem(
      await server.get('/auth/me', { token: current.accessToken, ...HOME }),
      401,
      'invalid_token',
    );
  });

  it("logout with someone else's refresh token ends only the bearer's own session", async () => {
    const [mallory, victim] = [await signedIn(), await signedIn()];
    const loggedOut = await server.post(
      '/auth/logout',
      { refreshToken: victim.refreshToken },
      { token: mallory.accessToken },
    );
    expect(loggedOut.statusCode).toBe(204);
    await expectSessionRevoked(mallory);
    await expectSessionAlive(await rotate(victim.refreshToken));
  });

  it("forged refreshes naming a victim's session cannot use up the victim's refresh budget", async () => {
    // The session id is no secret (access tokens carry it as sid, gateways get x-session-id).
    const pair = await signedIn();
    const [prefix, tenant, userId, sessionId] = pair.refreshToken.split('.');
    const attacker = { headers: { 'x-forwarded-for': '203.0.113.99', 'user-agent': 'flooder' } };
    const answers = [];
    for (let i = 0; i < 61; i++) {
      const forged = `${prefix}.${tenant}.${userId}.${sessionId}.${randomBytes(32).toString('base64url')}`;
      answers.push((await refresh(forged, attacker)).statusCode);
    }
    expect(answers.slice(0, 60)).toEqual(Array(60).fill(401));
    expectProblem(await refresh(pair.refreshToken, attacker), 429, 'rate_limited'); // the flooder is limited
    await expectSessionAlive(await rotate(pair.refreshToken)); // its owner is not
  });

  it('malformed and forged refresh tokens are 401 invalid_refresh_token; the real session survives', async () => {
    const pair = await signedIn();
    const other = await signedIn();
    const [prefix, tenant, userId, sessionId] = pair.refreshToken.split('.');
    const secret = () => randomBytes(32).toString('base64url');
    const malformed = [
      '',
      'x',
      randomBytes(48).toString('base64url'),
      randomBytes(24).toString('hex'),
      'A'.repeat(10 * 1024),
      `${pair.refreshToken}${'A'.repeat(10 * 1024)}`,
      '🔑'.repeat(64),
      `rt1.défault.${userId}.${sessionId}.${secret()}`,
      `rt1.${tenant}.${userId}.${sessionId}.${secret().slice(0, -1)}é`,
      `${pair.refreshToken}\u0000`,
      ` ${pair.refreshToken}`,
      `rt1.${tenant}.${userId}' OR '1'='1.${sessionId}.${secret()}`,
      `rt1.${tenant}.../../${userId}.${sessionId}.${secret()}`,
      pair.accessToken,
    ];
    const forged = [
      `${prefix}.${tenant}.${userId}.${sessionId}.${secret()}`, // the victim's session, a guessed secret
      `${prefix}.${tenant}.${userId}.${sessionId}.${pair.refreshToken.split('.')[4]!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`,
      `${prefix}.${tenant}.${other.user.id}.${sessionId}.${pair.refreshToken.split('.')[4]}`, // someone else's user
      `${prefix}.acme.${userId}.${sessionId}.${pair.refreshToken.split('.')[4]}`, // another tenant
    ];
    for (const token of [...malformed, ...forged]) {
      expectProblem(await refresh(token), 401, 'invalid_refresh_token');
      expect((await server.post('/auth/revoke', { refreshToken: token })).statusCode).toBe(204);
    }
    for (const wrongType of [42, null, { $ne: '' }, [pair.refreshToken]]) {
      expectProblem(await refresh(wrongType), 400, 'validation_error');
    }
    // Nothing above ended either session or used up the victim's token.
    await expectSessionAlive(pair);
    await expectSessionAlive(other);
    await expectSessionAlive(await rotate(pair.refreshToken));
  });
});
