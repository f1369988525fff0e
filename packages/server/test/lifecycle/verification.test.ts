import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../helpers/test-gatehouse.js';
import { client, codeOf, PASSWORD, tokenOf } from './client.js';
import { storesOf } from '../helpers/stores.js';

/** The default `accounts.verification.maxAttempts`. */
const MAX_ATTEMPTS = 5;

describe('email verification by link (token strategy, the default)', () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    // Many submissions from one test IP: the per-IP limit has its own test.
    server = await createTestServer({ rateLimits: { codeSubmissions: { perIp: 1000 } } });
    await server.app.ready();
    api = client(server);
  });
  afterAll(() => server.close());

  it('register → mail with a link → verify → login', async () => {
    const message = await api.register('link@example.com');
    expect(message.links[0]).toBe(`http://localhost:3000/verify-email?token=${tokenOf(message)}`);
    expect(message.subject).toContain('Gatehouse');
    expect(
      (await api.post('/auth/login', { email: 'link@example.com', password: PASSWORD })).json(),
    ).toMatchObject({
      code: 'email_unverified',
    });

    const verified = await api.post('/auth/verify-email', { token: tokenOf(message), password: PASSWORD });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json().user).toMatchObject({ email: 'link@example.com', emailVerified: true });
    const tokens = await api.login('link@example.com');
    expect(tokens.user.emailVerified).toBe(true);
  });

  it('a link works once: the replay is 400 invalid_or_expired_token', async () => {
    const message = await api.register('replay@example.com');
    expect(
      (await api.post('/auth/verify-email', { token: tokenOf(message), password: PASSWORD })).statusCode,
    ).toBe(200);
    const replay = await api.post('/auth/verify-email', { token: tokenOf(message), password: PASSWORD });
    expect(replay.statusCode).toBe(400);
    expect(replay.json()).toMatchObject({ code: 'invalid_or_expired_token' });
  });

  // No more than the challenge's attempts: each submission counts one before its (slow)
  // password check, and a flood past the limit ends the challenge for everyone (fail closed).
  it('of parallel submissions of one link exactly one wins', async () => {
    const message = await api.register('race@example.com');
    const results = await Promise.all(
      Array.from({ length: MAX_ATTEMPTS }, () =>
        api.post('/auth/verify-email', { token: tokenOf(message), password: PASSWORD }),
      ),
    );
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 400)).toHaveLength(MAX_ATTEMPTS - 1);
  });

  it('resend supersedes the earlier link', async () => {
    const first = await api.register('resend@example.com');
    expect((await api.post('/auth/verify-email/resend', { email: 'resend@example.com' })).statusCode).toBe(
      202,
    );
    const second = await api.lastMessage('resend@example.com', 'verify_email');
    expect(tokenOf(second)).not.toBe(tokenOf(first));
    expect(
      (await api.post('/auth/verify-email', { token: tokenOf(first), password: PASSWORD })).statusCode,
    ).toBe(400);
    expect(
      (await api.post('/auth/verify-email', { token: tokenOf(second), password: PASSWORD })).statusCode,
    ).toBe(200);
  });

  it('a tampered, truncated or foreign token is refused alike', async () => {
    const message = await api.register('tamper@example.com');
    const token = tokenOf(message);
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const bad of [flipped, token.slice(0, -5), 'ot1.default.x.y', 'x'.repeat(500), `${token}.extra`]) {
      const response = await api.post('/auth/verify-email', { token: bad, password: PASSWORD });
      expect(response.statusCode, bad).toBe(400);
      expect(response.json().code).toBe('invalid_or_expired_token');
    }
    // The real one still works: failed guesses below the attempt limit do not burn it.
    expect((await api.post('/auth/verify-email', { token, password: PASSWORD })).statusCode).toBe(200);
  });

  it('resend answers 202 alike for unknown, verified and unverified addresses and mails only the unverified', async () => {
    await server.createUser('verified@example.com', PASSWORD);
    await api.register('pending@example.com');
    const answers = await Promise.all(
      ['nobody@example.com', 'verified@example.com', 'pending@example.com'].map((email) =>
        api.post('/auth/verify-email/resend', { email }),
      ),
    );
    for (const answer of answers) {
      expect(answer.statusCode).toBe(202);
      expect(answer.json()).toEqual({ status: 'accepted' });
    }
    expect(await server.outbox('nobody@example.com')).toEqual([]);
    expect(await server.outbox('verified@example.com')).toEqual([]);
    expect(
      (await server.outbox('pending@example.com')).filter((m) => m.template === 'verify_email'),
    ).toHaveLength(2);
  });

  it('registering an existing address mails its owner "account exists", not a verification', async () => {
    await server.createUser('owner@example.com', PASSWORD);
    const response = await api.post('/auth/register', {
      email: 'owner@example.com',
      password: 'someone else 123',
    });
    expect(response.statusCode).toBe(202);
    const message = await api.lastMessage('owner@example.com', 'account_exists');
    expect(message.text).toContain('http://localhost:3000/forgot-password');
    expect((await server.outbox('owner@example.com')).some((m) => m.template === 'verify_email')).toBe(false);
  });

  it('verification bumps the account version', async () => {
    await api.register('version@example.com');
    const before = await storesOf(server.engine).users.findByEmail('default', 'version@example.com');
    const message = await api.lastMessage('version@example.com', 'verify_email');
    await api.post('/auth/verify-email', { token: tokenOf(message), password: PASSWORD });
    const after = await storesOf(server.engine).users.findByEmail('default', 'version@example.com');
    expect(after!.accountVersion).toBe(before!.accountVersion + 1);
  });
});

describe('email verification by code', () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  afterAll(() => server.close());

  describe('otp: { email, code }', () => {
    beforeAll(async () => {
      server = await createTestServer({ accounts: { verification: { strategy: 'otp', codeDigits: 8 } } });
      await server.app.ready();
      api = client(server);
    });

    it('verifies with the emailed code, once', async () => {
      const message = await api.register('otp@example.com');
      expect(codeOf(message)).toMatch(/^\d{8}$/);
      expect(message.codes).toEqual([codeOf(message)]);
      const body = { email: 'otp@example.com', code: codeOf(message), password: PASSWORD };
      expect((await api.post('/auth/verify-email', body)).statusCode).toBe(200);
      expect((await api.post('/auth/verify-email', body)).statusCode).toBe(400);
      await api.login('otp@example.com');
    });

    it('dies after 5 wrong codes: even the right one fails afterwards', async () => {
      const message = await api.register('guess@example.com');
      const right = codeOf(message);
      const wrong = String((Number(right) + 1) % 1e8).padStart(8, '0');
      for (let i = 0; i < 5; i += 1) {
        expect(
          (
            await api.post('/auth/verify-email', {
              email: 'guess@example.com',
              code: wrong,
              password: PASSWORD,
            })
          ).statusCode,
        ).toBe(400);
      }
      const late = await api.post('/auth/verify-email', {
        email: 'guess@example.com',
        code: right,
        password: PASSWORD,
      });
      expect(late.statusCode).toBe(400);
      expect(late.json().code).toBe('invalid_or_expired_token');
    });

    it('an unknown email and a wrong code answer the same', async () => {
      const unknown = await api.post('/auth/verify-email', {
        email: 'ghost@example.com',
        code: '12345678',
        password: PASSWORD,
      });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().code).toBe('invalid_or_expired_token');
    });

    it('a code expires after codeTtlSeconds', async () => {
      const message = await api.register('late@example.com');
      // The state store keeps its own (real) time: move the record's TTL by rewriting it short.
      const user = await storesOf(server.engine).users.findByEmail('default', 'late@example.com');
      const key = `gh:{default:${user!.id}}:ots:verify_email`;
      const raw = await server.gatehouse.stateStore.get(key);
      await server.gatehouse.stateStore.set(key, raw!, { ttlMs: 1 });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const response = await api.post('/auth/verify-email', {
        email: 'late@example.com',
        code: codeOf(message),
        password: PASSWORD,
      });
      expect(response.statusCode).toBe(400);
    });
  });
});

describe('email verification by id and code (uuid strategy)', () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await createTestServer({ accounts: { verification: { strategy: 'uuid' } } });
    await server.app.ready();
    api = client(server);
  });
  afterAll(() => server.close());

  it('verifies with { verificationId, code }, once, and not with another challenge id', async () => {
    const message = await api.register('uuid@example.com');
    const verificationId = String(message.data.verificationId);
    expect(verificationId).toMatch(/^[0-9a-f-]{36}$/);
    const other = await api.register('uuid2@example.com');
    const crossed = await api.post('/auth/verify-email', {
      verificationId: String(other.data.verificationId),
      code: codeOf(message),
      password: PASSWORD,
    });
    expect(crossed.statusCode).toBe(400);
    const body = { verificationId, code: codeOf(message), password: PASSWORD };
    expect((await api.post('/auth/verify-email', body)).statusCode).toBe(200);
    expect((await api.post('/auth/verify-email', body)).statusCode).toBe(400);
  });

  it('of parallel submissions of one code exactly one wins', async () => {
    const message = await api.register('uuid-race@example.com');
    const body = {
      verificationId: String(message.data.verificationId),
      code: codeOf(message),
      password: PASSWORD,
    };
    const results = await Promise.all(
      Array.from({ length: MAX_ATTEMPTS }, () => api.post('/auth/verify-email', body)),
    );
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
  });

  it('refuses mixed or unknown body shapes with 400 validation_error', async () => {
    for (const payload of [
      {},
      { token: 'x', code: '123456' },
      { verificationId: 'x' },
      { email: 'a@b.co' },
    ]) {
      const response = await api.post('/auth/verify-email', payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().code).toBe('validation_error');
    }
  });
});
