/**
 * Admin unlock against the login throttles (API.md "Login throttling": unlock "clears every
 * lock and throttle counter of that identifier"): the (identifier, IP) throttles of every
 * network go too, and GET /admin/users/:id shows what holds the address and until when.
 */
import { expect, it } from 'vitest';
import { ManualClock } from '@gatehouse/core';
import {
  TRUSTED_PROXY_CHEAP,
  expectProblem,
  freshIp,
  useSecurityServer,
  via,
  PASSWORD,
  type SecurityServer,
} from './harness.js';

const WRONG = 'definitely not the password';
const WINDOW_SECONDS = 900;
const clock = new ManualClock(Date.now());
const s = useSecurityServer(
  {
    ...TRUSTED_PROXY_CHEAP,
    rateLimits: { login: { perIdentifierAndIp: 3, lockoutThreshold: 10, windowSeconds: WINDOW_SECONDS } },
  },
  { clock },
);

const attempt = (server: SecurityServer, email: string, ip: string, password = WRONG) =>
  server.post('/auth/login', { email, password }, via(ip));

async function admin(server: SecurityServer): Promise<string> {
  const email = `admin-${crypto.randomUUID()}@example.com`;
  await server.createUser(email, PASSWORD, { roles: ['user', 'admin'] });
  return (await server.login(email, PASSWORD, via(freshIp()))).accessToken;
}

interface AdminView {
  lockedOut: boolean;
  lockedUntil: string | null;
  throttled: boolean;
  throttledUntil: string | null;
}

const view = async (server: SecurityServer, token: string, id: string) => {
  const response = await server.get(`/admin/users/${id}`, { token });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as AdminView;
};

it('unlock lifts the (identifier, IP) throttle of every network; the admin view shows it until then', async () => {
  const { server } = s;
  const token = await admin(server);
  const id = await server.createUser('held@example.com');
  const networks = [freshIp(), '2001:db8:77:1::5', freshIp()];
  for (const ip of networks) {
    for (let i = 0; i < 3; i++)
      expectProblem(await attempt(server, 'held@example.com', ip), 401, 'invalid_credentials');
    // Refused with the right password too: the pair's budget is spent.
    expectProblem(await attempt(server, 'held@example.com', ip, PASSWORD), 429, 'rate_limited');
  }

  const held = await view(server, token, id);
  expect(held).toMatchObject({ lockedOut: false, lockedUntil: null, throttled: true });
  const untilMs = Date.parse(held.throttledUntil!) - clock.now();
  expect(untilMs).toBeGreaterThan(0);
  expect(untilMs).toBeLessThanOrEqual(WINDOW_SECONDS * 1000);

  const unlocked = await server.call('PUT', `/admin/users/${id}/unlock`, { token });
  expect(unlocked.statusCode, unlocked.body).toBe(200);
  expect(await view(server, token, id)).toMatchObject({
    lockedOut: false,
    lockedUntil: null,
    throttled: false,
    throttledUntil: null,
  });
  for (const ip of networks)
    expect((await attempt(server, 'held@example.com', ip, PASSWORD)).statusCode, ip).toBe(200);
  const events = await server.audit();
  expect(events).toContainEqual(
    expect.objectContaining({
      type: 'user.unlocked',
      userId: id,
      data: expect.objectContaining({ throttleLifted: true }),
    }),
  );
});

it('a locked-out address shows lockedOut with lockedUntil; unlock lifts lock and throttles together', async () => {
  const { server } = s;
  const token = await admin(server);
  const id = await server.createUser('locked@example.com');
  const sameNetwork = freshIp();
  for (let i = 0; i < 3; i++) await attempt(server, 'locked@example.com', sameNetwork);
  for (let i = 0; i < 7; i++) await attempt(server, 'locked@example.com', freshIp());
  expectProblem(await attempt(server, 'locked@example.com', freshIp(), PASSWORD), 423, 'account_locked');

  const held = await view(server, token, id);
  expect(held).toMatchObject({ lockedOut: true, throttled: true });
  const lockedMs = Date.parse(held.lockedUntil!) - clock.now();
  expect(lockedMs).toBeGreaterThan(0);
  expect(lockedMs).toBeLessThanOrEqual(15 * 60_000);

  expect((await server.call('PUT', `/admin/users/${id}/unlock`, { token })).statusCode).toBe(200);
  expect(await view(server, token, id)).toMatchObject({ lockedOut: false, throttled: false });
  expect((await attempt(server, 'locked@example.com', sameNetwork, PASSWORD)).statusCode).toBe(200);
});

it('the windows end on their own: the view clears once the throttle has expired', async () => {
  const { server } = s;
  const token = await admin(server);
  const id = await server.createUser('waits@example.com');
  const ip = freshIp();
  for (let i = 0; i < 3; i++) await attempt(server, 'waits@example.com', ip);
  expect((await view(server, token, id)).throttled).toBe(true);
  clock.advance(WINDOW_SECONDS * 1000 + 1);
  expect((await view(server, token, id)).throttled).toBe(false);
  expect((await attempt(server, 'waits@example.com', ip, PASSWORD)).statusCode).toBe(200);
});

it("unlock lifts only that address's counters: another one throttled from the same network stays so", async () => {
  const { server } = s;
  const token = await admin(server);
  const id = await server.createUser('twin@example.com');
  const ip = freshIp();
  for (let i = 0; i < 3; i++) await attempt(server, 'twin@example.com', ip);
  for (let i = 0; i < 3; i++) await attempt(server, 'stranger@example.com', ip);
  expect((await server.call('PUT', `/admin/users/${id}/unlock`, { token })).statusCode).toBe(200);
  expectProblem(await attempt(server, 'stranger@example.com', ip), 429, 'rate_limited');
  expect((await attempt(server, 'twin@example.com', ip, PASSWORD)).statusCode).toBe(200);
});
