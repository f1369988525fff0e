import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@gatehouse/core';
import { createTestServer, type TestServer } from '../helpers/test-gatehouse.js';
import { client, codeOf, PASSWORD, tokenOf, type TokenPairBody } from '../lifecycle/client.js';
import { storesOf } from '../helpers/stores.js';

describe('email change over HTTP', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0));
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await createTestServer(
      {
        rateLimits: { codeSubmissions: { perIp: 1000 }, verificationRequests: { perIp: 1000 } },
        passwords: { argon2: { memoryKiB: 1024, iterations: 1 } },
      },
      { clock },
    );
    await server.app.ready();
    api = client(server);
  });
  afterAll(() => server.close());

  /** A verified user, signed in (a fresh session, so step-up is satisfied). */
  async function signedIn(email: string): Promise<TokenPairBody> {
    await server.createUser(email, PASSWORD);
    return api.login(email);
  }

  async function requestChange(session: TokenPairBody, newEmail: string) {
    const response = await api.post('/users/email/change', { newEmail }, session.accessToken);
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toEqual({ status: 'accepted' });
    return response;
  }

  const confirm = (session: TokenPairBody, code: string) =>
    api.post('/users/email/confirm', { code }, session.accessToken);

  it('a code to the new address → confirm → the new address, verified; the old one is told', async () => {
    const session = await signedIn('old@example.com');
    await requestChange(session, 'New@Example.com');
    const mail = await api.lastMessage('New@Example.com', 'email_change');
    expect(mail.data).toMatchObject({ email: 'old@example.com', newEmail: 'New@Example.com' });
    expect(codeOf(mail)).toMatch(/^\d{6}$/);
    // Nothing changed yet: the old address still signs in.
    expect((await api.post('/auth/login', { email: 'old@example.com', password: PASSWORD })).statusCode).toBe(
      200,
    );

    const confirmed = await confirm(session, codeOf(mail));
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().user).toMatchObject({ email: 'New@Example.com', emailVerified: true });

    const notice = await api.lastMessage('old@example.com', 'email_change');
    expect(notice.data).toMatchObject({
      notice: 'changed',
      email: 'old@example.com',
      newEmail: 'New@Example.com',
    });
    expect(notice.codes).toEqual([]);
    expect(notice.subject).toContain('was changed');

    expect((await api.post('/auth/login', { email: 'old@example.com', password: PASSWORD })).statusCode).toBe(
      401,
    );
    expect((await api.login('new@example.com')).user.email).toBe('New@Example.com');
    expect((await api.get('/auth/me', session.accessToken)).json().user.email).toBe('New@Example.com');
  });

  it('bumps the account version and ends every other session (this one stays)', async () => {
    const session = await signedIn('sessions@example.com');
    const other = await api.login('sessions@example.com');
    const before = await storesOf(server.engine).users.findByEmail('default', 'sessions@example.com');
    await requestChange(session, 'sessions-new@example.com');
    const code = codeOf(await api.lastMessage('sessions-new@example.com', 'email_change'));
    expect((await confirm(session, code)).statusCode).toBe(200);

    const after = await storesOf(server.engine).users.findById('default', before!.id);
    expect(after!.accountVersion).toBeGreaterThan(before!.accountVersion);
    expect((await api.get('/auth/me', other.accessToken)).statusCode).toBe(401);
    expect((await api.post('/auth/refresh', { refreshToken: other.refreshToken })).statusCode).toBe(401);
    expect((await api.get('/auth/me', session.accessToken)).statusCode).toBe(200);
  });

  it('links and codes mailed to the old address die with the change', async () => {
    const session = await signedIn('reset-old@example.com');
    expect((await api.post('/auth/password/forgot', { email: 'reset-old@example.com' })).statusCode).toBe(
      202,
    );
    const reset = await api.lastMessage('reset-old@example.com', 'password_reset');
    await requestChange(session, 'reset-new@example.com');
    const code = codeOf(await api.lastMessage('reset-new@example.com', 'email_change'));
    expect((await confirm(session, code)).statusCode).toBe(200);
    const late = await api.post('/auth/password/reset', {
      token: tokenOf(reset),
      password: 'a takeover attempt 99',
    });
    expect(late.json()).toMatchObject({ code: 'invalid_or_expired_token' });
  });

  it('wrong codes count: after 5 the challenge is dead, even for the right code', async () => {
    const session = await signedIn('guess@example.com');
    await requestChange(session, 'guess-new@example.com');
    const right = codeOf(await api.lastMessage('guess-new@example.com', 'email_change'));
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const answer = await confirm(session, wrong);
      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toMatchObject({ code: 'invalid_or_expired_token' });
    }
    expect((await confirm(session, right)).statusCode).toBe(400);
    expect((await storesOf(server.engine).users.findByEmail('default', 'guess@example.com'))?.email).toBe(
      'guess@example.com',
    );
  });

  it('a code works once, and a new request supersedes the old one', async () => {
    const session = await signedIn('twice@example.com');
    await requestChange(session, 'first-choice@example.com');
    const first = codeOf(await api.lastMessage('first-choice@example.com', 'email_change'));
    await requestChange(session, 'second-choice@example.com');
    const second = codeOf(await api.lastMessage('second-choice@example.com', 'email_change'));
    expect((await confirm(session, first)).statusCode).toBe(400);
    const confirmed = await confirm(session, second);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().user.email).toBe('second-choice@example.com');
    expect((await confirm(session, second)).statusCode).toBe(400);
  });

  it('a taken address answers exactly like a free one; its owner is told, and nobody gets a code', async () => {
    await server.createUser('owner@example.com', PASSWORD);
    const session = await signedIn('mover@example.com');
    const free = await requestChange(session, 'free@example.com');
    const taken = await requestChange(session, 'OWNER@example.com');
    expect(taken.body).toBe(free.body);
    expect(Object.keys(taken.headers).sort()).toEqual(Object.keys(free.headers).sort());

    const ownerMail = await server.outbox('owner@example.com');
    expect(ownerMail.map((m) => m.template)).toEqual(['account_exists']);
    expect(ownerMail[0]!.codes).toEqual([]);
    // The taken request superseded the free one: no code of this user works any more.
    const freeCode = codeOf(await api.lastMessage('free@example.com', 'email_change'));
    expect((await confirm(session, freeCode)).json()).toMatchObject({ code: 'invalid_or_expired_token' });
  });

  it('an address registered between request and confirm is 409 email_taken (the unique index decides)', async () => {
    const session = await signedIn('racer@example.com');
    await requestChange(session, 'contested@example.com');
    const code = codeOf(await api.lastMessage('contested@example.com', 'email_change'));
    await server.createUser('contested@example.com', PASSWORD);
    const answer = await confirm(session, code);
    expect(answer.statusCode).toBe(409);
    expect(answer.json()).toMatchObject({ code: 'email_taken' });
    expect((await storesOf(server.engine).users.findByEmail('default', 'racer@example.com'))?.email).toBe(
      'racer@example.com',
    );
  });

  it('refuses the current address and a malformed one with 400', async () => {
    const session = await signedIn('same@example.com');
    const same = await api.post(
      '/users/email/change',
      { newEmail: ' SAME@example.com' },
      session.accessToken,
    );
    expect(same.statusCode).toBe(400);
    expect(same.json()).toMatchObject({ code: 'validation_error' });
    const malformed = await api.post(
      '/users/email/change',
      { newEmail: 'not an email' },
      session.accessToken,
    );
    expect(malformed.json()).toMatchObject({ code: 'validation_error', errors: [{ path: 'newEmail' }] });
  });

  it('needs a bearer token', async () => {
    expect((await api.post('/users/email/change', { newEmail: 'x@example.com' })).statusCode).toBe(401);
    expect((await api.post('/users/email/confirm', { code: '123456' })).statusCode).toBe(401);
  });

  it('needs a recent sign-in: 6 minutes later both steps are 403 step_up_required until step-up', async () => {
    const session = await signedIn('stale@example.com');
    await requestChange(session, 'stale-new@example.com');
    const code = codeOf(await api.lastMessage('stale-new@example.com', 'email_change'));
    clock.advance(6 * 60_000);
    for (const answer of [
      await api.post('/users/email/change', { newEmail: 'other@example.com' }, session.accessToken),
      await confirm(session, code),
    ]) {
      expect(answer.statusCode).toBe(403);
      expect(answer.json()).toMatchObject({ code: 'step_up_required' });
    }
    const stepped = await api.post('/auth/step-up', { password: PASSWORD }, session.accessToken);
    expect(stepped.statusCode, stepped.body).toBe(200);
    const confirmed = await confirm(stepped.json(), code);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().user.email).toBe('stale-new@example.com');
  });
});
