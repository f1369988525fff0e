/**
 * One IPv6 client is one network, not one address: a subscriber is routed a whole /64 (or
 * more) and may use any address in it, so every per-IP limit counts the network
 * (rateLimits.ipv6Prefix, default 64). An IPv4-mapped IPv6 address is the IPv4 client.
 * Two addresses of one /64 share a budget; two /64s do not.
 */
import { describe, expect, it } from 'vitest';
import {
  TRUSTED_PROXY_CHEAP,
  expectProblem,
  useSecurityServer,
  via,
  PASSWORD,
  type SecurityServer,
  type TokenPair,
} from './harness.js';

const WRONG = 'definitely not the password';

/** `count` addresses inside the /64 `prefix` (e.g. '2001:db8:10:1'), each one different. */
const addressesIn = (prefix: string, count: number, from = 1) =>
  Array.from(
    { length: count },
    (_, i) => `${prefix}:${(from + i).toString(16)}:${(0xbeef - i).toString(16)}::${i + 1}`,
  );

const login = (server: SecurityServer, email: string, ip: string, password = WRONG) =>
  server.post('/auth/login', { email, password }, via(ip));

describe('per-IP limits count an IPv6 client by its /64', () => {
  const s = useSecurityServer({
    ...TRUSTED_PROXY_CHEAP,
    rateLimits: {
      login: { perIdentifierAndIp: 3, perIp: 6 },
      register: { perIp: 2 },
      resetRequests: { perIp: 2 },
      codeSubmissions: { perIp: 2 },
      refresh: { perSession: 2 },
    },
  });

  it('login, per (identifier, IP): a new address in the same /64 gets no new guesses', async () => {
    const { server } = s;
    await server.createUser('v6-pair@example.com');
    const [first, second, third, fourth] = addressesIn('2001:db8:10:1', 4);
    for (const ip of [first!, second!, third!])
      expectProblem(await login(server, 'v6-pair@example.com', ip), 401, 'invalid_credentials');
    expectProblem(await login(server, 'v6-pair@example.com', fourth!, PASSWORD), 429, 'rate_limited');
    // Another /64 is another client.
    expect((await login(server, 'v6-pair@example.com', '2001:db8:10:2::1', PASSWORD)).statusCode).toBe(200);
  });

  it('login, per IP across identifiers: the /64 shares one budget', async () => {
    const { server } = s;
    const addresses = addressesIn('2001:db8:11:1', 7);
    for (const [i, ip] of addresses.slice(0, 6).entries()) {
      expectProblem(await login(server, `spray${i}@example.com`, ip), 401, 'invalid_credentials');
    }
    expectProblem(await login(server, 'spray-next@example.com', addresses[6]!), 429, 'rate_limited');
    expectProblem(
      await login(server, 'spray-next@example.com', '2001:db8:11:2::7'),
      401,
      'invalid_credentials',
    );
  });

  it('register, forgot-password and code submissions: the /64 shares each budget', async () => {
    const { server } = s;
    const cases: [string, (i: number) => object, number][] = [
      ['/auth/register', (i) => ({ email: `v6-signup${i}@example.com`, password: PASSWORD }), 202],
      ['/auth/password/forgot', (i) => ({ email: `v6-forgot${i}@example.com` }), 202],
      ['/auth/verify-email', (i) => ({ token: `not-a-real-token-${i}` }), 400],
    ];
    for (const [index, [url, body, okStatus]] of cases.entries()) {
      const [a, b, c] = addressesIn(`2001:db8:12:${index + 1}`, 3);
      for (const [i, ip] of [a!, b!].entries())
        expect((await server.post(url, body(i), via(ip))).statusCode, url).toBe(okStatus);
      expectProblem(await server.post(url, body(2), via(c!)), 429, 'rate_limited');
      expect((await server.post(url, body(3), via(`2001:db8:12:${index + 1}1::1`))).statusCode, url).toBe(
        okStatus,
      );
    }
  });

  it('refresh, per session and device: new addresses in the /64 are the same device', async () => {
    const { server } = s;
    await server.createUser('v6-refresh@example.com');
    let pair = await server.login('v6-refresh@example.com', PASSWORD, via('2001:db8:13:1::1'));
    for (const ip of addressesIn('2001:db8:13:1', 2)) {
      const refreshed = await server.post('/auth/refresh', { refreshToken: pair.refreshToken }, via(ip));
      expect(refreshed.statusCode, refreshed.body).toBe(200);
      pair = refreshed.json() as TokenPair;
    }
    const [third] = addressesIn('2001:db8:13:1', 1, 9);
    expectProblem(
      await server.post('/auth/refresh', { refreshToken: pair.refreshToken }, via(third!)),
      429,
      'rate_limited',
    );
  });

  it('an IPv4-mapped IPv6 address is the IPv4 client (one budget however it connects)', async () => {
    const { server } = s;
    await server.createUser('mapped@example.com');
    // Not through the proxy: the socket address itself, as a dual-stack listener reports it.
    const direct = (remoteAddress: string, password = WRONG) =>
      server.post('/auth/login', { email: 'mapped@example.com', password }, { remoteAddress });
    expectProblem(await direct('203.0.113.50'), 401, 'invalid_credentials');
    expectProblem(await direct('::ffff:203.0.113.50'), 401, 'invalid_credentials');
    expectProblem(await direct('::ffff:cb00:7132'), 401, 'invalid_credentials');
    expectProblem(await direct('203.0.113.50', PASSWORD), 429, 'rate_limited');
    expect((await direct('203.0.113.51', PASSWORD)).statusCode).toBe(200);
  });
});

describe('rateLimits.ipv6Prefix sets the size of one client network', () => {
  const s = useSecurityServer({
    ...TRUSTED_PROXY_CHEAP,
    rateLimits: { ipv6Prefix: 56, login: { perIdentifierAndIp: 2 } },
  });

  it('with /56, two /64s of one /56 share a budget; another /56 does not', async () => {
    const { server } = s;
    await server.createUser('wide@example.com');
    expectProblem(await login(server, 'wide@example.com', '2001:db8:20:100::1'), 401, 'invalid_credentials');
    expectProblem(await login(server, 'wide@example.com', '2001:db8:20:1ff::1'), 401, 'invalid_credentials');
    expectProblem(
      await login(server, 'wide@example.com', '2001:db8:20:142::1', PASSWORD),
      429,
      'rate_limited',
    );
    expect((await login(server, 'wide@example.com', '2001:db8:20:200::1', PASSWORD)).statusCode).toBe(200);
  });
});
