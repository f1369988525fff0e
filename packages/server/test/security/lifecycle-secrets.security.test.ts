/**
 * The one-time secrets of email verification and password reset under attack, for every
 * strategy (link token, otp code, uuid + code): replay, races, parallel guessing past the
 * attempt limit, exhaustion, expiry, supersession, purpose confusion, the per-IP submission
 * limit, and secrets that must never reach audit events, error answers or the state store.
 */
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { stateKeys, type OutboxEntry } from '@gatehouse/core';
import {
  CHEAP_ARGON2,
  PASSWORD,
  comparable,
  expectProblem,
  freshIp,
  retryAfterSeconds,
  useSecurityServer,
  type SecurityServer,
} from './harness.js';
import { storesOf } from '../helpers/stores.js';

const NEW_PASSWORD = 'another fine passphrase 7';
/** Too short, and distinctive enough to search for. */
const WEAK = 'Zq7!x';
const JOBS = { pollIntervalMs: 20, backoffBaseMs: 20 } as const;
const MAX_ATTEMPTS = 5;
const HIGH = { perIdentifier: 100_000, perIp: 100_000 } as const;

type Strategy = 'token' | 'otp' | 'uuid';
type Purpose = 'verify' | 'reset';

const TEMPLATE = { verify: 'verify_email', reset: 'password_reset' } as const;
const ID_KEY = { verify: 'verificationId', reset: 'resetId' } as const;
const URL = { verify: '/auth/verify-email', reset: '/auth/password/reset' } as const;

async function outbox(server: SecurityServer, to: string): Promise<OutboxEntry[]> {
  await server.gatehouse.jobs.drain(10_000);
  return server.engine.outbox!.list(to);
}

/** The newest message of the purpose's template to `to`. */
async function lastMessage(server: SecurityServer, to: string, purpose: Purpose): Promise<OutboxEntry> {
  const message = (await outbox(server, to)).find((m) => m.template === TEMPLATE[purpose]);
  expect(message, `a ${TEMPLATE[purpose]} message to ${to}`).toBeDefined();
  return message!;
}

/** A different code of the same length (n ≥ 1 gives n distinct wrong codes). */
const wrongCode = (code: string, n: number) =>
  String((Number(code) + n) % 10 ** code.length).padStart(code.length, '0');

/** The same token with another (well-formed) secret: it names the same user and challenge. */
const forgedToken = (token: string) =>
  `${token.split('.').slice(0, 3).join('.')}.${randomBytes(32).toString('base64url')}`;

/**
 * The submission body for `message` in API.md's shape for the strategy; `wrong` > 0 makes
 * it a well-formed wrong guess at the same challenge.
 */
function submission(
  strategy: Strategy,
  purpose: Purpose,
  email: string,
  message: OutboxEntry,
  wrong = 0,
): Record<string, string> {
  // Reset: the new password; verify: the one chosen at sign-up.
  const extra: Record<string, string> = { password: purpose === 'reset' ? NEW_PASSWORD : PASSWORD };
  if (strategy === 'token') {
    const token = String(message.data.token);
    return { token: wrong ? forgedToken(token) : token, ...extra };
  }
  const code = wrong ? wrongCode(String(message.data.code), wrong) : String(message.data.code);
  if (strategy === 'otp') return { email, code, ...extra };
  return { [ID_KEY[purpose]]: String(message.data[ID_KEY[purpose]]), code, ...extra };
}

/** The mailed secret itself: the token's random part, or the code. */
const secretOf = (message: OutboxEntry) =>
  message.data.token !== undefined ? String(message.data.token).split('.')[3]! : String(message.data.code);

/** `text` contains `secret` (a code only as a whole number, not inside a longer one). */
const holds = (text: string, secret: string) =>
  /^\d+$/.test(secret) ? new RegExp(`(?<![0-9])${secret}(?![0-9])`).test(text) : text.includes(secret);

const expectRefused = (response: LightMyRequestResponse) =>
  expectProblem(response, 400, 'invalid_or_expired_token');

for (const strategy of ['token', 'otp', 'uuid'] as const) {
  describe(`one-time secrets (${strategy} strategy)`, () => {
    const s = useSecurityServer({
      jobs: JOBS,
      passwords: CHEAP_ARGON2,
      accounts: {
        verification: { strategy, maxAttempts: MAX_ATTEMPTS },
        passwordReset: { strategy, maxAttempts: MAX_ATTEMPTS },
      },
      rateLimits: {
        codeSubmissions: { perIp: 100_000 },
        register: { perIp: 100_000 },
        verificationRequests: HIGH,
        resetRequests: HIGH,
      },
    });
    let n = 0;
    const address = (label: string) => `${strategy}-${label}-${++n}@example.com`;

    /** A pending secret of `purpose` for a new account: registered (verify) or verified (reset). */
    async function pending(purpose: Purpose, label: string) {
      const email = address(label);
      if (purpose === 'verify') {
        expect((await s.server.post('/auth/register', { email, password: PASSWORD })).statusCode).toBe(202);
      } else {
        await s.server.createUser(email);
        expect((await s.server.post('/auth/password/forgot', { email })).statusCode).toBe(202);
      }
      const message = await lastMessage(s.server, email, purpose);
      const send = (wrong = 0) =>
        s.server.post(URL[purpose], submission(strategy, purpose, email, message, wrong));
      return { email, message, send };
    }

    const verifiedNow = async (email: string) =>
      (await storesOf(s.server.engine).users.findByEmail('default', email))!.emailVerifiedAt !== null;
    const loginStatus = async (email: string, password: string) =>
      (await s.server.post('/auth/login', { email, password })).statusCode;

    it('a verification secret works once; its replay is refused', async () => {
      const { email, send } = await pending('verify', 'verify-replay');
      expect((await send()).statusCode).toBe(200);
      expect(await verifiedNow(email)).toBe(true);
      expectRefused(await send());
    });

    it('a reset secret works once; a replay with another password does not take', async () => {
      const { email, message, send } = await pending('reset', 'reset-replay');
      expect((await send()).statusCode).toBe(200);
      const replay = submission(strategy, 'reset', email, message);
      expectRefused(await s.server.post(URL.reset, { ...replay, password: 'the attacker passphrase 1' }));
      expect(await loginStatus(email, 'the attacker passphrase 1')).toBe(401);
      expect(await loginStatus(email, NEW_PASSWORD)).toBe(200);
    });

    it('of 10 parallel resets with one secret exactly one wins, and its password is the one set', async () => {
      const { email, message } = await pending('reset', 'reset-race');
      const body = submission(strategy, 'reset', email, message);
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          s.server.post(URL.reset, { ...body, password: `parallel passphrase ${i}` }),
        ),
      );
      const winners = answers.flatMap((answer, i) => (answer.statusCode === 200 ? [i] : []));
      expect(winners, answers.map((a) => a.statusCode).join(' ')).toHaveLength(1);
      for (const answer of answers) if (answer.statusCode !== 200) expectRefused(answer);
      expect(await loginStatus(email, `parallel passphrase ${winners[0]}`)).toBe(200);
    });

    for (const purpose of ['verify', 'reset'] as const) {
      it(`${purpose}: 20 parallel wrong guesses cannot outrun maxAttempts; the right secret then fails`, async () => {
        const { email, send } = await pending(purpose, `${purpose}-guess`);
        const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => send(i + 1)));
        for (const answer of answers) expectRefused(answer);
        expectRefused(await send());
        if (purpose === 'verify') expect(await verifiedNow(email)).toBe(false);
        else expect(await loginStatus(email, PASSWORD)).toBe(200);
      });
    }

    it(`reset: ${MAX_ATTEMPTS - 1} wrong guesses leave the secret usable, ${MAX_ATTEMPTS} end it`, async () => {
      const survivor = await pending('reset', 'exhaust-ok');
      for (let i = 1; i < MAX_ATTEMPTS; i++) expectRefused(await survivor.send(i));
      expect((await survivor.send()).statusCode).toBe(200);

      const victim = await pending('reset', 'exhaust-dead');
      for (let i = 1; i <= MAX_ATTEMPTS; i++) expectRefused(await victim.send(i));
      expectRefused(await victim.send());
      expect(await loginStatus(victim.email, PASSWORD)).toBe(200);
      // A new request starts a new challenge with a fresh budget.
      await s.server.post('/auth/password/forgot', { email: victim.email });
      const fresh = await lastMessage(s.server, victim.email, 'reset');
      expect(fresh.id).not.toBe(victim.message.id);
      const answer = await s.server.post(URL.reset, submission(strategy, 'reset', victim.email, fresh));
      expect(answer.statusCode, answer.body).toBe(200);
    });

    it('reset: a newer request supersedes the older secret', async () => {
      const { email, message: older } = await pending('reset', 'superseded');
      await s.server.post('/auth/password/forgot', { email });
      const newer = await lastMessage(s.server, email, 'reset');
      expect(newer.id).not.toBe(older.id);
      expectRefused(await s.server.post(URL.reset, submission(strategy, 'reset', email, older)));
      expect((await s.server.post(URL.reset, submission(strategy, 'reset', email, newer))).statusCode).toBe(
        200,
      );
    });

    it('reset: an expired secret is refused', async () => {
      const { email, send } = await pending('reset', 'expired');
      // The state store keeps real time (and TTLs are ≥ 60 s): rewrite the record to live 1 ms.
      const user = await storesOf(s.server.engine).users.findByEmail('default', email);
      const key = stateKeys.user('default', user!.id, 'ots', 'password_reset');
      const raw = await s.server.gatehouse.stateStore.get(key);
      expect(raw).not.toBeNull();
      await s.server.gatehouse.stateStore.set(key, raw!, { ttlMs: 1 });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expectRefused(await send());
      expect(await loginStatus(email, PASSWORD)).toBe(200);
    });

    it('a verification secret is not a reset secret, and the refusal does not spend it', async () => {
      const { email, message, send } = await pending('verify', 'purpose');
      const asReset = submission(strategy, 'verify', email, message);
      const { verificationId, ...rest } = asReset;
      const body = verificationId === undefined ? rest : { ...rest, resetId: verificationId };
      expectRefused(await s.server.post(URL.reset, { ...body, password: NEW_PASSWORD }));
      expect((await send()).statusCode).toBe(200);
      expect(await loginStatus(email, NEW_PASSWORD)).toBe(401);
    });

    it('no audit event, error answer or state entry holds a mailed secret or a password', async () => {
      const answers: LightMyRequestResponse[] = [];
      const keep = async (response: Promise<LightMyRequestResponse>) => {
        answers.push(await response);
        return answers.at(-1)!;
      };
      const verify = await pending('verify', 'leak-verify');
      await keep(verify.send(1));
      expect((await keep(verify.send())).statusCode).toBe(200);
      await keep(verify.send());
      const reset = await pending('reset', 'leak-reset');
      // Before the reset: the state store holds MACs of pending secrets, never the secrets.
      const state = await s.server.gatehouse.database.sql.query('SELECT key, value FROM state_entries');
      const stateText = JSON.stringify(state.rows);
      const body = submission(strategy, 'reset', reset.email, reset.message);
      const weak = await keep(s.server.post(URL.reset, { ...body, password: WEAK }));
      expectProblem(weak, 400, 'weak_password');
      await keep(reset.send(1));
      expect((await keep(reset.send())).statusCode).toBe(200);
      await keep(reset.send());
      await keep(s.server.post(URL.reset, { ...body, password: NEW_PASSWORD, extra: 1 }));

      const secrets = [secretOf(verify.message), secretOf(reset.message)];
      const events = JSON.stringify(await s.server.audit());
      expect(events).toContain('password.reset'); // the flows were audited at all
      for (const secret of secrets) {
        expect(holds(events, secret), `audit holds ${secret}`).toBe(false);
        expect(holds(stateText, secret), `state holds ${secret}`).toBe(false);
        for (const answer of answers) {
          const text = JSON.stringify({ headers: answer.headers, body: answer.body });
          expect(holds(text, secret), `${answer.statusCode} ${answer.body}`).toBe(false);
        }
      }
      for (const password of [PASSWORD, NEW_PASSWORD, WEAK]) {
        expect(events.includes(password), password).toBe(false);
        for (const answer of answers) expect(answer.body.includes(password), answer.body).toBe(false);
      }
      expect(answers.filter((a) => a.statusCode >= 500)).toEqual([]);
    });
  });
}

describe('per-IP code submission limit', () => {
  const LIMIT = 3;
  const s = useSecurityServer({
    jobs: JOBS,
    passwords: CHEAP_ARGON2,
    rateLimits: { codeSubmissions: { perIp: LIMIT }, register: { perIp: 100 } },
  });

  it('past the limit valid and invalid submissions alike are 429 with retry-after; other IPs are not', async () => {
    const email = 'ip-limit@example.com';
    await s.server.post('/auth/register', { email, password: PASSWORD });
    const token = String((await lastMessage(s.server, email, 'verify')).data.token);
    const attacker = { remoteAddress: '203.0.113.7' };
    for (let i = 0; i < LIMIT; i++) {
      expectRefused(
        await s.server.post(URL.verify, { token: forgedToken(token), password: PASSWORD }, attacker),
      );
    }
    const limited = [
      await s.server.post(URL.verify, { token, password: PASSWORD }, attacker),
      await s.server.post(URL.verify, { token: forgedToken(token), password: PASSWORD }, attacker),
      await s.server.post(URL.verify, { token: 'not even a token', password: PASSWORD }, attacker),
      await s.server.post(URL.reset, { token, password: NEW_PASSWORD }, attacker),
      await s.server.post(URL.reset, { email, code: '123456', password: NEW_PASSWORD }, attacker),
    ];
    for (const answer of limited) {
      expectProblem(answer, 429, 'rate_limited');
      expect(retryAfterSeconds(answer)).toBeLessThanOrEqual(15 * 60);
      expect(comparable(answer)).toEqual(comparable(limited[0]!));
    }
    // Nothing was checked or spent behind the limit: the link still works, from elsewhere.
    expect(
      (await storesOf(s.server.engine).users.findByEmail('default', email))!.emailVerifiedAt,
      'verified behind a 429',
    ).toBeNull();
    const elsewhere = await s.server.post(
      URL.verify,
      { token, password: PASSWORD },
      { remoteAddress: '203.0.113.8' },
    );
    expect(elsewhere.statusCode, elsewhere.body).toBe(200);
    expect(
      (await s.server.post(URL.verify, { token: 'x', password: PASSWORD }, { remoteAddress: '2001:db8::9' }))
        .statusCode,
    ).toBe(400);
  });

  it('successful submissions count too', async () => {
    const email = 'ip-limit-success@example.com';
    await s.server.createUser(email);
    const ip = { remoteAddress: freshIp() };
    await s.server.post('/auth/password/forgot', { email }, ip);
    const token = String((await lastMessage(s.server, email, 'reset')).data.token);
    expectProblem(await s.server.post(URL.reset, { token, password: 'short' }, ip), 400, 'weak_password');
    expect((await s.server.post(URL.reset, { token, password: NEW_PASSWORD }, ip)).statusCode).toBe(200);
    expectRefused(await s.server.post(URL.reset, { token, password: NEW_PASSWORD }, ip));
    await s.server.post('/auth/password/forgot', { email }, ip);
    const fresh = String((await lastMessage(s.server, email, 'reset')).data.token);
    expectProblem(
      await s.server.post(URL.reset, { token: fresh, password: PASSWORD }, ip),
      429,
      'rate_limited',
    );
  });
});
