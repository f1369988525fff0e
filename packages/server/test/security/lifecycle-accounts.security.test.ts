/**
 * Account-lifecycle flows at their edges: one-time secrets across tenants, sessions after a
 * reset and after account deletion (with links issued before it), and malformed, oversized
 * or padded input, which must be a 4xx problem and never a 5xx.
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '@gatehouse/core';
import {
  CHEAP_ARGON2,
  PASSWORD,
  expectProblem,
  useSecurityServer,
  type RequestOptions,
  type SecurityServer,
} from './harness.js';
import { storesOf } from '../helpers/stores.js';

const NEW_PASSWORD = 'another fine passphrase 7';
const JOBS = { pollIntervalMs: 20, backoffBaseMs: 20 } as const;
const HIGH = { perIdentifier: 100_000, perIp: 100_000 } as const;
const ROOMY_LIMITS = {
  codeSubmissions: { perIp: 100_000 },
  register: { perIp: 100_000 },
  verificationRequests: HIGH,
  resetRequests: HIGH,
} as const;
const ACME = { headers: { 'x-tenant-id': 'acme' } } satisfies RequestOptions;
const GLOBEX = { headers: { 'x-tenant-id': 'globex' } } satisfies RequestOptions;
const TENANCY = { multiTenant: true, tenants: ['acme', 'globex'] };

async function outbox(server: SecurityServer, to: string): Promise<OutboxEntry[]> {
  await server.gatehouse.jobs.drain(10_000);
  return server.engine.outbox!.list(to);
}

async function lastMessage(server: SecurityServer, to: string, template: string): Promise<OutboxEntry> {
  const message = (await outbox(server, to)).find((m) => m.template === template);
  expect(message, `a ${template} message to ${to}`).toBeDefined();
  return message!;
}

const expectRefused = (response: LightMyRequestResponse) =>
  expectProblem(response, 400, 'invalid_or_expired_token');

describe('one-time secrets stay in their tenant (link and otp)', () => {
  const s = useSecurityServer({
    jobs: JOBS,
    passwords: CHEAP_ARGON2,
    tenancy: TENANCY,
    accounts: { verification: { strategy: 'token' }, passwordReset: { strategy: 'otp' } },
    rateLimits: ROOMY_LIMITS,
  });
  const verifiedIn = async (tenant: string, email: string) =>
    (await storesOf(s.server.engine).users.findByEmail(tenant, email))!.emailVerifiedAt !== null;

  it("an acme link is refused under globex's header and does not verify; it carries its tenant itself", async () => {
    const email = 'cross-link@example.com';
    const registered = await s.server.post('/auth/register', { email, password: PASSWORD }, ACME);
    expect(registered.statusCode, registered.body).toBe(202);
    const token = String((await lastMessage(s.server, email, 'verify_email')).data.token);
    expect(token.split('.')[1]).toBe('acme');

    expectRefused(await s.server.post('/auth/verify-email', { token, password: PASSWORD }, GLOBEX));
    // Rewriting the tenant inside the token breaks it, header or not.
    const moved = token.replace('.acme.', '.globex.');
    expectRefused(await s.server.post('/auth/verify-email', { token: moved, password: PASSWORD }, GLOBEX));
    expectRefused(await s.server.post('/auth/verify-email', { token: moved, password: PASSWORD }));
    // A token naming a tenant that does not exist is just an unusable token.
    expectRefused(
      await s.server.post('/auth/verify-email', {
        token: token.replace('.acme.', '.initech.'),
        password: PASSWORD,
      }),
    );
    expect(await verifiedIn('acme', email)).toBe(false);

    const verified = await s.server.post('/auth/verify-email', { token, password: PASSWORD });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(await verifiedIn('acme', email)).toBe(true);
  });

  it("an otp reset code of acme's account is refused in globex, for the same address there too", async () => {
    const email = 'cross-code@example.com';
    await s.server.createUser(email, PASSWORD, { tenant: 'acme' });
    await s.server.createUser(email, PASSWORD, { tenant: 'globex' });
    expect((await s.server.post('/auth/password/forgot', { email }, ACME)).statusCode).toBe(202);
    const code = String((await lastMessage(s.server, email, 'password_reset')).data.code);

    expectRefused(
      await s.server.post('/auth/password/reset', { email, code, password: NEW_PASSWORD }, GLOBEX),
    );
    expect((await s.server.post('/auth/login', { email, password: PASSWORD }, GLOBEX)).statusCode).toBe(200);
    // Still good where it belongs, and it changes only acme's account.
    const reset = await s.server.post('/auth/password/reset', { email, code, password: NEW_PASSWORD }, ACME);
    expect(reset.statusCode, reset.body).toBe(200);
    expect((await s.server.post('/auth/login', { email, password: NEW_PASSWORD }, ACME)).statusCode).toBe(
      200,
    );
    expect((await s.server.post('/auth/login', { email, password: NEW_PASSWORD }, GLOBEX)).statusCode).toBe(
      401,
    );
  });

  it('forgot in globex for an acme-only address answers alike and mails nothing', async () => {
    const email = 'acme-only@example.com';
    await s.server.createUser(email, PASSWORD, { tenant: 'acme' });
    const there = await s.server.post('/auth/password/forgot', { email }, GLOBEX);
    const home = await s.server.post('/auth/password/forgot', { email: 'nobody@example.com' }, ACME);
    expect(there.statusCode).toBe(202);
    expect(there.body).toBe(home.body);
    expect(await outbox(s.server, email)).toEqual([]);
    // Without a tenant the request is refused outright.
    expectProblem(await s.server.post('/auth/password/forgot', { email }), 400, 'unknown_tenant');
  });

  it('a code submission needs its tenant: no header or an unknown one is 400 unknown_tenant', async () => {
    const body = { email: 'acme-only@example.com', code: '123456', password: NEW_PASSWORD };
    expectProblem(await s.server.post('/auth/password/reset', body), 400, 'unknown_tenant');
    expectProblem(
      await s.server.post('/auth/password/reset', body, { headers: { 'x-tenant-id': 'initech' } }),
      400,
      'unknown_tenant',
    );
  });
});

describe('one-time secrets stay in their tenant (uuid)', () => {
  const s = useSecurityServer({
    jobs: JOBS,
    passwords: CHEAP_ARGON2,
    tenancy: TENANCY,
    accounts: { verification: { strategy: 'uuid' }, passwordReset: { strategy: 'uuid' } },
    rateLimits: ROOMY_LIMITS,
  });

  it("an acme verificationId and code are refused under globex's header, then work in acme", async () => {
    const email = 'cross-uuid@example.com';
    await s.server.post('/auth/register', { email, password: PASSWORD }, ACME);
    const message = await lastMessage(s.server, email, 'verify_email');
    const body = {
      verificationId: String(message.data.verificationId),
      code: String(message.data.code),
      password: PASSWORD,
    };
    expectRefused(await s.server.post('/auth/verify-email', body, GLOBEX));
    const verified = await s.server.post('/auth/verify-email', body, ACME);
    expect(verified.statusCode, verified.body).toBe(200);
  });
});

describe('sessions and links after a reset or a deletion', () => {
  const s = useSecurityServer({
    jobs: JOBS,
    passwords: CHEAP_ARGON2,
    // An unverified account can sign in here, so it can hold a verification link and delete itself.
    accounts: { requireVerifiedEmail: false },
    rateLimits: ROOMY_LIMITS,
  });
  const me = (accessToken: string) => s.server.get('/auth/me', { token: accessToken });
  const refresh = (refreshToken: string) => s.server.post('/auth/refresh', { refreshToken });

  it('a password reset ends every session, including one opened and one rotated after the request', async () => {
    const email = 'reset-sessions@example.com';
    await s.server.createUser(email);
    const before = await s.server.login(email);
    await s.server.post('/auth/password/forgot', { email });
    const token = String((await lastMessage(s.server, email, 'password_reset')).data.token);
    const opened = await s.server.login(email);
    const rotatedAnswer = await refresh(before.refreshToken);
    expect(rotatedAnswer.statusCode).toBe(200);
    const rotated = rotatedAnswer.json() as { accessToken: string; refreshToken: string };

    expect((await s.server.post('/auth/password/reset', { token, password: NEW_PASSWORD })).statusCode).toBe(
      200,
    );
    for (const session of [before, opened, rotated]) {
      expectProblem(await me(session.accessToken), 401, ['invalid_token', 'unauthorized']);
      expect((await refresh(session.refreshToken)).statusCode).toBe(401);
    }
    await s.server.login(email, NEW_PASSWORD);
  });

  it('deleting the account ends its sessions and every link it was sent before', async () => {
    const email = 'leaving@example.com';
    expect((await s.server.post('/auth/register', { email, password: PASSWORD })).statusCode).toBe(202);
    const verifyToken = String((await lastMessage(s.server, email, 'verify_email')).data.token);
    const one = await s.server.login(email);
    const two = await s.server.login(email);
    await s.server.post('/auth/password/forgot', { email });
    const resetToken = String((await lastMessage(s.server, email, 'password_reset')).data.token);

    const deleted = await s.server.call('DELETE', '/users/account', {
      payload: { password: PASSWORD },
      token: one.accessToken,
    });
    expect(deleted.statusCode, deleted.body).toBe(204);
    for (const session of [one, two]) {
      expect((await me(session.accessToken)).statusCode).toBe(401);
      expect((await refresh(session.refreshToken)).statusCode).toBe(401);
    }
    expectRefused(await s.server.post('/auth/verify-email', { token: verifyToken, password: PASSWORD }));
    expectRefused(await s.server.post('/auth/password/reset', { token: resetToken, password: NEW_PASSWORD }));
    const row = await storesOf(s.server.engine).users.findByEmail('default', email);
    expect(row).toMatchObject({ status: 'deleted', emailVerifiedAt: null });
    expect((await s.server.post('/auth/login', { email, password: NEW_PASSWORD })).statusCode).toBe(401);

    // Nothing new is mailed to a deleted account, whatever is requested.
    const count = (await outbox(s.server, email)).length;
    expect((await s.server.post('/auth/password/forgot', { email })).statusCode).toBe(202);
    expect((await s.server.post('/auth/verify-email/resend', { email })).statusCode).toBe(202);
    expect((await outbox(s.server, email)).length).toBe(count);
  });

  it('a reset requested just before deletion never yields a working link', async () => {
    const email = 'racing-deletion@example.com';
    await s.server.createUser(email);
    const session = await s.server.login(email);
    // Not drained: the mail job may run before or after the deletion.
    await s.server.post('/auth/password/forgot', { email });
    const deleted = await s.server.call('DELETE', '/users/account', {
      payload: { password: PASSWORD },
      token: session.accessToken,
    });
    expect(deleted.statusCode, deleted.body).toBe(204);
    for (const message of (await outbox(s.server, email)).filter((m) => m.template === 'password_reset')) {
      const token = String(message.data.token);
      expectRefused(await s.server.post('/auth/password/reset', { token, password: NEW_PASSWORD }));
    }
    expect((await storesOf(s.server.engine).users.findByEmail('default', email))!.status).toBe('deleted');
  });
});

describe('malformed lifecycle input is a 4xx problem, never a 5xx', () => {
  const s = useSecurityServer({ jobs: JOBS, passwords: CHEAP_ARGON2, rateLimits: ROOMY_LIMITS });
  const userId = randomUUID();
  const post = (url: string, payload: unknown) => s.server.post(url, payload);
  const invalid = async (url: string, payload: unknown) =>
    expectProblem(await post(url, payload), 400, 'validation_error');
  const rawJson = (url: string, payload: string) =>
    s.server.app.inject({
      method: 'POST',
      url: `/api/v1${url}`,
      headers: { 'content-type': 'application/json' },
      payload,
    });

  it('a token over 512 characters is 400 validation_error; one of 512 is merely unusable', async () => {
    const long = `ot1.default.${userId}.${'A'.repeat(512)}`;
    await invalid('/auth/verify-email', { token: long });
    await invalid('/auth/password/reset', { token: long, password: NEW_PASSWORD });
    await invalid('/auth/verify-email', { token: 'x'.repeat(513) });
    expectRefused(await post('/auth/verify-email', { token: 'x'.repeat(512), password: PASSWORD }));
    expectRefused(await post('/auth/password/reset', { token: long.slice(0, 512), password: NEW_PASSWORD }));
  });

  it('codes, tokens, ids and emails must be strings', async () => {
    for (const value of [123456, null, true, ['123456'], { $ne: '' }]) {
      await invalid('/auth/verify-email', { email: 'a@example.com', code: value });
      await invalid('/auth/verify-email', { token: value });
      await invalid('/auth/verify-email', { verificationId: value, code: '123456' });
      await invalid('/auth/password/reset', { email: 'a@example.com', code: value, password: NEW_PASSWORD });
      await invalid('/auth/password/reset', { resetId: randomUUID(), code: value, password: NEW_PASSWORD });
      await invalid('/auth/password/reset', { token: 'x', password: value });
      await invalid('/auth/password/forgot', { email: value });
      await invalid('/auth/verify-email/resend', { email: value });
    }
    // JSON that is not an object (sent as JSON: inject would send a bare string as text/plain).
    for (const body of ['[]', '"token"', '42', 'null']) {
      for (const url of ['/auth/verify-email', '/auth/password/reset', '/auth/password/forgot']) {
        expectProblem(await rawJson(url, body), 400, 'validation_error');
      }
    }
  });

  it('NUL characters are refused with a 400, never reach the database as a 500', async () => {
    const nulEmail = 'nul\u0000@example.com';
    await invalid('/auth/password/forgot', { email: nulEmail });
    await invalid('/auth/verify-email/resend', { email: nulEmail });
    await invalid('/auth/register', { email: nulEmail, password: PASSWORD });
    await invalid('/auth/verify-email', { email: nulEmail, code: '123456' });
    await invalid('/auth/password/reset', { email: nulEmail, code: '123456', password: NEW_PASSWORD });
    // A NUL inside a code, token or id cannot be a valid secret: either refusal is fine.
    const either = ['validation_error', 'invalid_or_expired_token'];
    await s.server.createUser('nul-target@example.com');
    for (const payload of [
      { email: 'nul-target@example.com', code: '123\u0000456' } as Record<string, string>,
      { token: `ot1.default.${userId}.\u0000${'A'.repeat(42)}` },
      { token: 'ot1.def\u0000ault.x.y' },
      { verificationId: `${userId.slice(0, -1)}\u0000`, code: '123456' },
    ]) {
      expectProblem(await post('/auth/verify-email', { ...payload, password: PASSWORD }), 400, either);
      const { verificationId, ...rest } = payload;
      const reset = verificationId === undefined ? rest : { ...rest, resetId: verificationId };
      expectProblem(await post('/auth/password/reset', { ...reset, password: NEW_PASSWORD }), 400, either);
    }
    // A NUL in a password is only hashed, never stored as text.
    const register = await post('/auth/register', {
      email: 'nul-pw@example.com',
      password: `${PASSWORD}\u0000`,
    });
    expect(register.statusCode, register.body).toBe(202);
  });

  it('unknown or mixed fields are 400 validation_error', async () => {
    const token = `ot1.default.${userId}.${'A'.repeat(43)}`;
    for (const [url, payload] of [
      ['/auth/password/forgot', { email: 'a@example.com', tenant: 'globex' }],
      ['/auth/verify-email/resend', { email: 'a@example.com', redirectTo: 'https://evil.example' }],
      ['/auth/register', { email: 'a@example.com', password: PASSWORD, roles: ['admin'] }],
      ['/auth/register', { email: 'a@example.com', password: PASSWORD, emailVerified: true }],
      ['/auth/verify-email', { token, userId }],
      ['/auth/verify-email', { email: 'a@example.com', code: '123456', verified: true }],
      ['/auth/verify-email', { token, email: 'a@example.com', code: '123456' }],
      ['/auth/verify-email', { verificationId: userId, code: '123456', email: 'a@example.com' }],
      ['/auth/password/reset', { token, password: NEW_PASSWORD, userId }],
      ['/auth/password/reset', { resetId: userId, code: '123456', password: NEW_PASSWORD, email: 'a@b.co' }],
      ['/auth/password/reset', { token, password: NEW_PASSWORD, mfa: { method: 'totp', code: '1', x: 1 } }],
      ['/auth/password/reset', { token }],
    ] as const) {
      await invalid(url, payload);
    }
  });

  it('a prototype-polluting body is refused, and nothing is polluted', async () => {
    const answer = await rawJson(
      '/auth/password/reset',
      `{"token":"x","password":"${NEW_PASSWORD}","__proto__":{"polluted":true}}`,
    );
    expectProblem(answer, 400, 'validation_error');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a body over 64 KiB is 413 payload_too_large on every lifecycle route', async () => {
    const padding = 'x'.repeat(70 * 1024);
    for (const [url, payload] of [
      ['/auth/password/forgot', { email: 'a@example.com', padding }],
      ['/auth/verify-email/resend', { email: 'a@example.com', padding }],
      ['/auth/register', { email: 'a@example.com', password: padding }],
      ['/auth/verify-email', { token: padding }],
      ['/auth/password/reset', { token: 'x', password: padding }],
    ] as const) {
      expectProblem(await post(url, payload), 413, 'payload_too_large');
    }
    // Under the limit but over the field bounds: a validation error, not a hash of 60 KiB.
    await invalid('/auth/password/reset', { token: 'x', password: 'y'.repeat(60 * 1024) });
  });

  it('a body that is not JSON is refused with 415 or 400', async () => {
    const text = await s.server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password/forgot',
      headers: { 'content-type': 'text/plain' },
      payload: 'email=a@example.com',
    });
    expectProblem(text, 415, 'unsupported_media_type');
    expectProblem(await rawJson('/auth/verify-email', '{"token": "x"'), 400, 'validation_error');
  });
});
