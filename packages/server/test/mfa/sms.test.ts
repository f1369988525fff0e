import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock, stateKeys, type JobPayload, type OutboxEntry } from '@gatehouse/core';
import { createTestServer, type TestServer } from '../helpers/test-gatehouse.js';
import { client, PASSWORD } from '../lifecycle/client.js';
import { claimsOf, mfaClient } from './totp-client.js';

const CHEAP = { argon2: { memoryKiB: 1024, iterations: 1 } };
/** NANP test numbers (555-01xx): valid for libphonenumber, reserved for fiction. */
const phoneOf = (n: number) => `+1201555${String(100 + n).padStart(4, '0')}`;
/** Whether a text holds a code (as a whole digit run, not inside a longer one) or a phone number. */
const holds = (text: string, secret: string) =>
  /^\d+$/.test(secret)
    ? new RegExp(`(?<![0-9])${secret}(?![0-9])`).test(text)
    : text.includes(secret) || text.includes(secret.slice(1));

describe('SMS codes as a second factor over HTTP', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0));
  let server: TestServer;
  let api: ReturnType<typeof smsClient>;
  const payloads: JobPayload[] = [];
  const sentCodes: string[] = [];
  const phones: string[] = [];
  beforeAll(async () => {
    server = await createTestServer(
      { rateLimits: { codeSubmissions: { perIp: 1000 } }, passwords: CHEAP },
      { clock },
    );
    // Jobs are deleted once they ran: their payloads are read as they are enqueued.
    const enqueue = server.gatehouse.jobs.enqueue.bind(server.gatehouse.jobs);
    vi.spyOn(server.gatehouse.jobs, 'enqueue').mockImplementation((name, payload, options) => {
      payloads.push(payload);
      return enqueue(name, payload, options);
    });
    await server.app.ready();
    api = smsClient(server, { sentCodes, phones });
  });
  afterAll(() => server.close());

  it('setup → SMS to the number → confirm → login offers sms → challenge sends a code → verify: pwd+sms+mfa', async () => {
    const phone = phoneOf(1);
    await server.createUser('sms@example.com', PASSWORD);
    const first = await api.login('sms@example.com');
    const setup = await api.post('/auth/mfa/sms/setup', { phone }, first.accessToken);
    expect(setup.statusCode, setup.body).toBe(202);
    expect(setup.json()).toEqual({ status: 'code_sent', phone: '+1••••••0101' });
    const [sms] = await server.outbox(phone);
    expect(sms).toMatchObject({ to: phone, channel: 'sms', template: 'sms_code' });
    expect(String(sms?.data.code)).toMatch(/^\d{6}$/);
    const confirmed = await api.post('/auth/mfa/sms/confirm', { code: sms?.data.code }, first.accessToken);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().backupCodes).toHaveLength(10);
    sentCodes.push(String(sms?.data.code));

    const { challengeId, methods } = await api.challenge('sms@example.com');
    expect(methods).toEqual(['sms', 'backup_code']);
    const sent = await api.post('/auth/mfa/challenge', { challengeId, method: 'sms' });
    expect(sent.statusCode, sent.body).toBe(202);
    expect(sent.json()).toEqual({ status: 'code_sent', phone: '+1••••••0101' });
    const verified = await api.verify(challengeId, 'sms', await api.lastCode(phone));
    expect(verified.statusCode, verified.body).toBe(200);
    expect(claimsOf(verified.json().accessToken).amr).toEqual(['pwd', 'sms', 'mfa']);
    expect(verified.json().user.mfaEnabled).toBe(true);
    // Enabling the factor ended the other sessions and told the user.
    expect((await api.lastMessage('sms@example.com', 'mfa_changed')).text).toContain('sms enabled');
  });

  it('password reset of an SMS account: the reset link authorises an SMS code, which the reset then needs', async () => {
    const phone = phoneOf(40);
    await api.enrolled('sms-reset@example.com', phone);
    await api.post('/auth/password/forgot', { email: 'sms-reset@example.com' });
    const token = String((await api.lastMessage('sms-reset@example.com', 'password_reset')).data.token);
    const bogus = await api.post('/auth/password/reset/sms-code', { token: `${token.slice(0, -2)}xx` });
    expect(bogus.json().code).toBe('invalid_or_expired_token');
    const sent = await api.post('/auth/password/reset/sms-code', { token });
    expect(sent.statusCode, sent.body).toBe(202);
    const code = await api.lastCode(phone);
    const withoutCode = await api.post('/auth/password/reset', { token, password: 'a new sms passphrase 1' });
    expect(withoutCode.json()).toMatchObject({ code: 'invalid_code', reason: 'mfa_required' });
    const reset = await api.post('/auth/password/reset', {
      token,
      password: 'a new sms passphrase 1',
      mfa: { method: 'sms', code },
    });
    expect(reset.statusCode, reset.body).toBe(200);
  });

  it('a code works once; a newer code supersedes the older one; of concurrent uses exactly one wins', async () => {
    const phone = phoneOf(2);
    await api.enrolled('replay@example.com', phone);
    const { challengeId } = await api.challenge('replay@example.com');
    const older = await api.sendChallengeCode(challengeId, phone);
    const newer = await api.sendChallengeCode(challengeId, phone);
    expect((await api.verify(challengeId, 'sms', older)).json().code).toBe('invalid_code');
    expect((await api.verify(challengeId, 'sms', newer)).statusCode).toBe(200);
    const again = await api.challenge('replay@example.com');
    expect((await api.verify(again.challengeId, 'sms', newer)).statusCode).toBe(401);

    const code = await api.sendChallengeCode(again.challengeId, phone);
    const other = await api.challenge('replay@example.com');
    const both = await Promise.all([
      api.verify(again.challengeId, 'sms', code),
      api.verify(other.challengeId, 'sms', code),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });

  it('an expired code is refused', async () => {
    const phone = phoneOf(3);
    const { userId } = await api.enrolled('expired@example.com', phone);
    const { challengeId } = await api.challenge('expired@example.com');
    const code = await api.sendChallengeCode(challengeId, phone);
    // The code's TTL runs out while the challenge (5 min) lives on.
    const key = stateKeys.user('default', userId, 'sms', 'login');
    const raw = await server.gatehouse.stateStore.get(key);
    expect(raw).not.toBeNull();
    await server.gatehouse.stateStore.set(key, raw!, { ttlMs: 1 });
    clock.advance(1_000);
    expect((await api.verify(challengeId, 'sms', code)).json().code).toBe('invalid_code');
  });

  it('a code of a replaced setup does not confirm the new number', async () => {
    const [first, second] = [phoneOf(4), phoneOf(5)];
    await server.createUser('renumber@example.com', PASSWORD);
    const session = await api.login('renumber@example.com');
    expect((await api.post('/auth/mfa/sms/setup', { phone: first }, session.accessToken)).statusCode).toBe(
      202,
    );
    const firstCode = await api.lastCode(first);
    const setup = await api.post('/auth/mfa/sms/setup', { phone: second }, session.accessToken);
    expect(setup.json().phone).toBe('+1••••••0105');
    const secondCode = await api.lastCode(second);
    const stale = await api.post('/auth/mfa/sms/confirm', { code: firstCode }, session.accessToken);
    expect(stale.statusCode).toBe(400);
    expect(stale.json().code).toBe('invalid_second_factor');
    const ok = await api.post('/auth/mfa/sms/confirm', { code: secondCode }, session.accessToken);
    expect(ok.statusCode, ok.body).toBe(200);
    // A confirmed number is not replaced by a new setup: disable it first.
    const again = await api.post('/auth/mfa/sms/setup', { phone: first }, session.accessToken);
    expect(again.statusCode).toBe(409);
  });

  it('5 wrong codes → 429 with retry-after for the account, the right code included', async () => {
    const phone = phoneOf(6);
    await api.enrolled('brute@example.com', phone);
    const { challengeId } = await api.challenge('brute@example.com');
    const code = await api.sendChallengeCode(challengeId, phone);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i += 1) {
      const fresh = await api.challenge('brute@example.com');
      expect((await api.verify(fresh.challengeId, 'sms', wrong)).statusCode).toBe(401);
    }
    const limited = await api.verify(challengeId, 'sms', code);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    clock.advance(15 * 60_000 + 1_000);
  });

  it('the per-user send limit (5 an hour, setup included) → 429 with retry-after', async () => {
    const phone = phoneOf(7);
    await api.enrolled('chatty@example.com', phone);
    const { challengeId } = await api.challenge('chatty@example.com');
    for (let i = 0; i < 4; i += 1) {
      expect((await api.post('/auth/mfa/challenge', { challengeId, method: 'sms' })).statusCode).toBe(202);
    }
    const limited = await api.post('/auth/mfa/challenge', { challengeId, method: 'sms' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(await server.outbox(phone)).toHaveLength(5);
  });

  it('the challenge must be live and offer sms', async () => {
    const unknown = await api.post('/auth/mfa/challenge', { challengeId: 'x'.repeat(43), method: 'sms' });
    expect(unknown.json().code).toBe('invalid_code');
    const totp = mfaClient(server, clock);
    await totp.enrolled('totp-only@example.com');
    const { challengeId } = await totp.challenge('totp-only@example.com');
    const notOffered = await api.post('/auth/mfa/challenge', { challengeId, method: 'sms' });
    expect(notOffered.statusCode).toBe(401);
    const badMethod = await api.post('/auth/mfa/challenge', { challengeId, method: 'totp' });
    expect(badMethod.json().code).toBe('validation_error');
  });

  it('invalid phone numbers → 400 validation_error', async () => {
    await server.createUser('bad-phone@example.com', PASSWORD);
    const session = await api.login('bad-phone@example.com');
    const invalid = [
      '12015550100',
      '+1201555010',
      'abc',
      '+12015550100 ext. 5',
      '+999123',
      '',
      '+1'.padEnd(40, '2'),
    ];
    for (const phone of invalid) {
      const response = await api.post('/auth/mfa/sms/setup', { phone }, session.accessToken);
      expect(response.statusCode, phone).toBe(400);
      expect(response.json().code).toBe('validation_error');
      expect(response.json().errors[0].path).toBe('phone');
    }
    const formatted = await api.post(
      '/auth/mfa/sms/setup',
      { phone: '+1 (201) 555-0108' },
      session.accessToken,
    );
    expect(formatted.statusCode, formatted.body).toBe(202);
    expect(await server.outbox(phoneOf(8))).toHaveLength(1);
  });

  it('setup and confirm need a recent sign-in (403 step_up_required); step-up and disable take an SMS code', async () => {
    const phone = phoneOf(9);
    const { session } = await api.enrolled('stepup@example.com', phone);
    clock.advance(6 * 60_000);
    const setup = await api.post('/auth/mfa/sms/setup', { phone: phoneOf(10) }, session.accessToken);
    expect(setup.json().code).toBe('step_up_required');
    const confirm = await api.post('/auth/mfa/sms/confirm', { code: '123456' }, session.accessToken);
    expect(confirm.statusCode).toBe(403);

    const sent = await api.post('/auth/mfa/sms/send', undefined, session.accessToken);
    expect(sent.statusCode, sent.body).toBe(202);
    expect(sent.json().phone).toBe('+1••••••0109');
    const stepped = await api.post(
      '/auth/step-up',
      { password: PASSWORD, mfa: { method: 'sms', code: await api.lastCode(phone) } },
      session.accessToken,
    );
    expect(stepped.statusCode, stepped.body).toBe(200);
    const fresh = stepped.json().accessToken as string;
    expect(claimsOf(fresh).amr).toEqual(['pwd', 'sms', 'mfa']);

    expect((await api.post('/auth/mfa/sms/send', undefined, fresh)).statusCode).toBe(202);
    const disabled = await api.post(
      '/auth/mfa/disable',
      { method: 'sms', code: await api.lastCode(phone) },
      fresh,
    );
    expect(disabled.statusCode, disabled.body).toBe(204);
    expect((await api.login('stepup@example.com')).accessToken).toBeDefined();
    expect((await api.post('/auth/mfa/sms/send', undefined, fresh)).statusCode).toBe(404);
  });

  it('as a second factor next to TOTP: no new backup codes (the saved set stays valid)', async () => {
    const totp = mfaClient(server, clock);
    const { session, backupCodes } = await totp.enrolled('both@example.com');
    const phone = phoneOf(11);
    expect((await api.post('/auth/mfa/sms/setup', { phone }, session.accessToken)).statusCode).toBe(202);
    const confirm = await api.post(
      '/auth/mfa/sms/confirm',
      { code: await api.lastCode(phone) },
      session.accessToken,
    );
    expect(confirm.json()).toEqual({ backupCodes: [] });
    const { challengeId, methods } = await totp.challenge('both@example.com');
    expect(methods).toEqual(['totp', 'sms', 'backup_code']);
    expect((await api.verify(challengeId, 'backup_code', backupCodes[0] ?? '')).statusCode).toBe(200);
  });

  it('no job payload, audit event or stored credential holds a code or a phone number', async () => {
    await server.engine.audit.flush();
    const events = JSON.stringify(server.auditEvents.events);
    expect(events).toContain('mfa.sms_code_sent'); // the flows were audited at all
    const jobs = JSON.stringify(payloads);
    expect(jobs).toContain('credentialId');
    expect(sentCodes.length).toBeGreaterThan(10);
    for (const secret of [...sentCodes, ...phones]) {
      expect(holds(events, secret), `audit holds ${secret}`).toBe(false);
      expect(holds(jobs, secret), `a job holds ${secret}`).toBe(false);
    }
    const rows = await server.gatehouse.database.sql.query(
      "SELECT secret, metadata FROM credentials WHERE type = 'sms'",
    );
    const stored = JSON.stringify(rows.rows);
    expect(stored).toContain('v1.');
    for (const phone of phones) expect(holds(stored, phone), phone).toBe(false);
  });
});

describe('SMS codes without an SMS transport', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ sms: { transport: 'none' }, passwords: CHEAP });
    await server.app.ready();
  });
  afterAll(() => server.close());

  it('setup, send and challenge answer 403 forbidden with reason sms_unavailable', async () => {
    const api = client(server);
    await server.createUser('no-transport@example.com', PASSWORD);
    const session = await api.login('no-transport@example.com');
    const answers = [
      await api.post('/auth/mfa/sms/setup', { phone: phoneOf(1) }, session.accessToken),
      await api.post('/auth/mfa/sms/confirm', { code: '123456' }, session.accessToken),
      await api.post('/auth/mfa/sms/send', undefined, session.accessToken),
      await api.post('/auth/mfa/challenge', { challengeId: 'x'.repeat(43), method: 'sms' }),
    ];
    for (const answer of answers) {
      expect(answer.statusCode, answer.body).toBe(403);
      expect(answer.json()).toMatchObject({ code: 'forbidden', reason: 'sms_unavailable' });
    }
  });
});

/** The HTTP client plus SMS helpers; every code read from the outbox is remembered for the leak scan. */
function smsClient(server: TestServer, seen: { sentCodes: string[]; phones: string[] }) {
  const api = client(server);
  const lastCode = async (phone: string) => {
    const [message] = (await server.outbox(phone)).filter((m: OutboxEntry) => m.template === 'sms_code');
    const code = String(message?.data.code);
    expect(code).toMatch(/^\d{6}$/);
    seen.sentCodes.push(code);
    if (!seen.phones.includes(phone)) seen.phones.push(phone);
    return code;
  };
  return {
    ...api,
    lastCode,
    /** A verified user with SMS on; returns its id and the (recent) session it enrolled with. */
    async enrolled(email: string, phone: string) {
      const userId = await server.createUser(email, PASSWORD);
      const session = await api.login(email);
      const setup = await api.post('/auth/mfa/sms/setup', { phone }, session.accessToken);
      expect(setup.statusCode, setup.body).toBe(202);
      const confirm = await api.post(
        '/auth/mfa/sms/confirm',
        { code: await lastCode(phone) },
        session.accessToken,
      );
      expect(confirm.statusCode, confirm.body).toBe(200);
      return { userId, session };
    },
    async challenge(email: string): Promise<{ challengeId: string; methods: string[] }> {
      const response = await api.post('/auth/login', { email, password: PASSWORD });
      expect(response.json()).toMatchObject({ mfaRequired: true });
      return response.json();
    },
    async sendChallengeCode(challengeId: string, phone: string) {
      const sent = await api.post('/auth/mfa/challenge', { challengeId, method: 'sms' });
      expect(sent.statusCode, sent.body).toBe(202);
      return lastCode(phone);
    },
    verify: (challengeId: string, method: string, code: string) =>
      api.post('/auth/mfa/verify', { challengeId, method, code }),
  };
}
