/**
 * Pre-account takeover through sign-up: someone registers the victim's address with their
 * own password before the victim does. Whoever controls the mailbox must end up sole owner:
 * a verification never activates a password the verifier did not type, a later sign-up never
 * replaces an earlier one's password, and whatever was set on the unverified account before
 * (password, sessions) is dropped when the mailbox owner verifies or resets.
 */
import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '@gatehouse/core';
import { CHEAP_ARGON2, PASSWORD, expectProblem, useSecurityServer, type SecurityServer } from './harness.js';
import { storesOf } from '../helpers/stores.js';

const ATTACKER_PASSWORD = 'squatter chose this 99';
const OWNER_PASSWORD = PASSWORD;
const NEW_PASSWORD = 'owner picks a fresh one 7';
const ATTACKER = { remoteAddress: '203.0.113.66' };
const OWNER = { remoteAddress: '198.51.100.7' };
const JOBS = { pollIntervalMs: 20, backoffBaseMs: 20 } as const;
const ROOMY = { perIdentifier: 100_000, perIp: 100_000 } as const;
const RATE_LIMITS = {
  codeSubmissions: { perIp: 100_000 },
  register: { perIp: 100_000 },
  verificationRequests: ROOMY,
  resetRequests: ROOMY,
} as const;

let n = 0;
const victim = (label: string) => `victim-${label}-${++n}@example.com`;

async function verificationMails(server: SecurityServer, to: string): Promise<OutboxEntry[]> {
  await server.gatehouse.jobs.drain(10_000);
  return (await server.engine.outbox!.list(to)).filter((m) => m.template === 'verify_email');
}

const tokenOf = (message: OutboxEntry) => String(message.data.token);

async function register(server: SecurityServer, email: string, password: string, from = OWNER) {
  const response = await server.post('/auth/register', { email, password }, from);
  expect(response.statusCode, response.body).toBe(202);
}

const loginStatus = async (server: SecurityServer, email: string, password: string) =>
  (await server.post('/auth/login', { email, password })).statusCode;

describe('sign-up verification binds to the password chosen at sign-up', () => {
  const s = useSecurityServer({ jobs: JOBS, passwords: CHEAP_ARGON2, rateLimits: RATE_LIMITS });

  it('squatter first, owner second: the owner verifies with their own password and is sole owner', async () => {
    const email = victim('squatter-first');
    await register(s.server, email, ATTACKER_PASSWORD, ATTACKER);
    await register(s.server, email, OWNER_PASSWORD, OWNER);
    const [newest] = await verificationMails(s.server, email);

    const verified = await s.server.post('/auth/verify-email', {
      token: tokenOf(newest!),
      password: OWNER_PASSWORD,
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json().user).toMatchObject({ email, emailVerified: true });
    expect(await loginStatus(s.server, email, OWNER_PASSWORD)).toBe(200);
    expect(await loginStatus(s.server, email, ATTACKER_PASSWORD)).toBe(401);
  });

  it("owner first, squatter second: the squatter's mail (the only live link) still activates only the owner's password", async () => {
    const email = victim('owner-first');
    await register(s.server, email, OWNER_PASSWORD, OWNER);
    await register(s.server, email, ATTACKER_PASSWORD, ATTACKER);
    const [squattersMail] = await verificationMails(s.server, email);
    expect(squattersMail!.data.signupIp).toBe(ATTACKER.remoteAddress);

    const verified = await s.server.post('/auth/verify-email', {
      token: tokenOf(squattersMail!),
      password: OWNER_PASSWORD,
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(await loginStatus(s.server, email, OWNER_PASSWORD)).toBe(200);
    expect(await loginStatus(s.server, email, ATTACKER_PASSWORD)).toBe(401);
  });

  it('only the squatter signed up: a click alone verifies nothing; the owner sets their own password', async () => {
    const email = victim('squatter-only');
    await register(s.server, email, ATTACKER_PASSWORD, ATTACKER);
    const [mail] = await verificationMails(s.server, email);
    const token = tokenOf(mail!);

    expectProblem(await s.server.post('/auth/verify-email', { token }), 400, 'password_required');
    expectProblem(
      await s.server.post('/auth/verify-email', { token, password: OWNER_PASSWORD }),
      400,
      'signup_password_mismatch',
    );
    const row = await storesOf(s.server.engine).users.findByEmail('default', email);
    expect(row!.emailVerifiedAt, 'verified without a password the owner named').toBeNull();

    // A weak new password leaves the link usable too.
    expectProblem(
      await s.server.post('/auth/verify-email', { token, newPassword: 'short' }),
      400,
      'weak_password',
    );
    const verified = await s.server.post('/auth/verify-email', { token, newPassword: NEW_PASSWORD });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(await loginStatus(s.server, email, NEW_PASSWORD)).toBe(200);
    expect(await loginStatus(s.server, email, ATTACKER_PASSWORD)).toBe(401);
  });

  it('the mail says when and from where the sign-up was made', async () => {
    const email = victim('mail-facts');
    await register(s.server, email, ATTACKER_PASSWORD, ATTACKER);
    const [mail] = await verificationMails(s.server, email);
    expect(mail!.data.signupIp).toBe(ATTACKER.remoteAddress);
    expect(Date.parse(String(mail!.data.signupAt))).not.toBeNaN();
    expect(mail!.text).toContain(ATTACKER.remoteAddress);
    expect(mail!.text).toMatch(/Signed up:? +\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(mail!.text).toContain('choose a new one');
  });

  it('guessing the sign-up password spends the link: after maxAttempts the right one fails too', async () => {
    const email = victim('guess');
    await register(s.server, email, OWNER_PASSWORD, OWNER);
    const [mail] = await verificationMails(s.server, email);
    const token = tokenOf(mail!);
    const { maxAttempts } = s.server.gatehouse.config.accounts.verification;
    for (let i = 0; i < maxAttempts; i++) {
      expectProblem(
        await s.server.post('/auth/verify-email', { token, password: `wrong guess number ${i}` }),
        400,
        'signup_password_mismatch',
      );
    }
    expectProblem(
      await s.server.post('/auth/verify-email', { token, password: OWNER_PASSWORD }),
      400,
      'invalid_or_expired_token',
    );
  });

  // As many as the link's attempts: a flood past them ends the link for everyone (fail closed).
  it('of 5 parallel verifications with the right password exactly one wins', async () => {
    const email = victim('race');
    await register(s.server, email, OWNER_PASSWORD, OWNER);
    const [mail] = await verificationMails(s.server, email);
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        s.server.post('/auth/verify-email', { token: tokenOf(mail!), password: OWNER_PASSWORD }),
      ),
    );
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    for (const loser of results.filter((r) => r.statusCode !== 200)) {
      expectProblem(loser, 400, 'invalid_or_expired_token');
    }
  });

  it('a live link on an account verified since (by a reset) changes nothing', async () => {
    const email = victim('verified-since');
    await register(s.server, email, OWNER_PASSWORD, OWNER);
    const [mail] = await verificationMails(s.server, email);
    expect((await s.server.post('/auth/password/forgot', { email })).statusCode).toBe(202);
    await s.server.gatehouse.jobs.drain(10_000);
    const reset = (await s.server.engine.outbox!.list(email)).find((m) => m.template === 'password_reset');
    const resetDone = await s.server.post('/auth/password/reset', {
      token: reset!.data.token,
      password: NEW_PASSWORD,
    });
    expect(resetDone.statusCode, resetDone.body).toBe(200);

    expectProblem(
      await s.server.post('/auth/verify-email', {
        token: tokenOf(mail!),
        newPassword: 'yet another passphrase 3',
      }),
      400,
      'invalid_or_expired_token',
    );
    expect(await loginStatus(s.server, email, NEW_PASSWORD)).toBe(200);
  });
});

describe('with unverified sign-in allowed, the squatter loses everything set before the owner proves the mailbox', () => {
  const s = useSecurityServer({
    jobs: JOBS,
    passwords: CHEAP_ARGON2,
    rateLimits: RATE_LIMITS,
    accounts: { requireVerifiedEmail: false },
  });

  it("a later sign-up does not replace the first one's password", async () => {
    const email = victim('no-replace');
    await register(s.server, email, OWNER_PASSWORD, OWNER);
    await register(s.server, email, ATTACKER_PASSWORD, ATTACKER);
    expect(await loginStatus(s.server, email, OWNER_PASSWORD)).toBe(200);
    expect(await loginStatus(s.server, email, ATTACKER_PASSWORD)).toBe(401);
  });

  it("verifying ends the squatter's sessions and password", async () => {
    const email = victim('sessions');
    await register(s.server, email, ATTACKER_PASSWORD, ATTACKER);
    const squatter = await s.server.login(email, ATTACKER_PASSWORD);
    const [mail] = await verificationMails(s.server, email);

    const verified = await s.server.post('/auth/verify-email', {
      token: tokenOf(mail!),
      newPassword: NEW_PASSWORD,
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expect((await s.server.post('/auth/refresh', { refreshToken: squatter.refreshToken })).statusCode).toBe(
      401,
    );
    expect((await s.server.get('/auth/me', { token: squatter.accessToken })).statusCode).toBe(401);
    expect(await loginStatus(s.server, email, ATTACKER_PASSWORD)).toBe(401);
    expect(await loginStatus(s.server, email, NEW_PASSWORD)).toBe(200);
  });

  it("a password reset of an unverified account claims it too: the squatter's sessions end", async () => {
    const email = victim('reset-claims');
    await register(s.server, email, ATTACKER_PASSWORD, ATTACKER);
    const squatter = await s.server.login(email, ATTACKER_PASSWORD);
    expect((await s.server.post('/auth/password/forgot', { email })).statusCode).toBe(202);
    await s.server.gatehouse.jobs.drain(10_000);
    const reset = (await s.server.engine.outbox!.list(email)).find((m) => m.template === 'password_reset');
    const done = await s.server.post('/auth/password/reset', {
      token: reset!.data.token,
      password: NEW_PASSWORD,
    });
    expect(done.statusCode, done.body).toBe(200);
    expect((await s.server.post('/auth/refresh', { refreshToken: squatter.refreshToken })).statusCode).toBe(
      401,
    );
    expect(await loginStatus(s.server, email, ATTACKER_PASSWORD)).toBe(401);
    expect(await loginStatus(s.server, email, NEW_PASSWORD)).toBe(200);
    const row = await storesOf(s.server.engine).users.findByEmail('default', email);
    expect(row!.emailVerifiedAt).not.toBeNull();
  });
});
