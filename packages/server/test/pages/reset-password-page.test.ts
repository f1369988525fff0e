/**
 * The page a password-reset mail links to, over HTTP: the link opens a form (consuming
 * nothing), the form posts back to the link and resets through the engine, and every
 * refusal is a page in plain words with the field it is about marked and focused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@gatehouse/core';
import { createTestServer, type TestServer } from '../helpers/test-gatehouse.js';
import { client, NEW_PASSWORD, PASSWORD } from '../lifecycle/client.js';
import { mfaClient } from '../mfa/totp-client.js';
import { pageClient, pagePathOf, tagOf, visibleText } from './page-client.js';

describe('the password-reset page', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0));
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let mfa: ReturnType<typeof mfaClient>;
  let pages: ReturnType<typeof pageClient>;
  beforeAll(async () => {
    server = await createTestServer(
      {
        rateLimits: { codeSubmissions: { perIp: 1000 } },
        passwords: { argon2: { memoryKiB: 1024, iterations: 1 } },
      },
      { clock },
    );
    await server.app.ready();
    api = client(server);
    mfa = mfaClient(server, clock);
    pages = pageClient(server);
  });
  afterAll(() => server.close());

  async function resetLink(email: string): Promise<string> {
    expect((await api.post('/auth/password/forgot', { email })).statusCode).toBe(202);
    return pagePathOf(await api.lastMessage(email, 'password_reset'));
  }

  it('the mailed link opens a form (twice: nothing is used up); the form sets the password; the link is then spent', async () => {
    await server.createUser('page-reset@example.com', PASSWORD);
    const link = await resetLink('page-reset@example.com');
    expect(link).toMatch(/^\/reset-password\?token=/);
    const token = new URLSearchParams(link.split('?')[1]).get('token')!;

    for (let i = 0; i < 2; i++) {
      const page = await pages.open(link);
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['cache-control']).toBe('no-store');
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain("form-action 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toMatch(/script-src|unsafe-inline/);
      expect(page.body).not.toMatch(/<script|on(click|load|submit)=/);
      expect(page.body).toMatch(/<label for="password">New password<\/label>/);
      expect(page.body).toMatch(/<label for="password-again">New password again<\/label>/);
      expect(page.body).toContain('<form method="post" novalidate>');
      expect(page.body).not.toContain(token); // the form posts back to the link; the HTML never holds it
    }

    const done = await pages.submit(link, { password: NEW_PASSWORD, passwordAgain: NEW_PASSWORD });
    expect(done.statusCode, done.body).toBe(200);
    expect(visibleText(done.body)).toContain('Your password has been changed');
    expect(done.body).not.toContain(NEW_PASSWORD);
    await api.login('page-reset@example.com', NEW_PASSWORD);
    expect(
      (await api.post('/auth/login', { email: 'page-reset@example.com', password: PASSWORD })).statusCode,
    ).toBe(401);

    const again = await pages.submit(link, {
      password: 'yet another passphrase 9',
      passwordAgain: 'yet another passphrase 9',
    });
    expect(again.statusCode).toBe(400);
    expect(visibleText(again.body)).toContain('This link can no longer be used');
    await api.login('page-reset@example.com', NEW_PASSWORD);
  });

  it('says what is wrong in plain words, marks and focuses the field, echoes no password, and keeps the link usable', async () => {
    await server.createUser('page-errors@example.com', PASSWORD);
    const link = await resetLink('page-errors@example.com');

    const empty = await pages.submit(link, { password: '', passwordAgain: '' });
    expect(empty.statusCode).toBe(400);
    expect(visibleText(empty.body)).toContain('Enter a new password.');

    const short = await pages.submit(link, { password: 'short', passwordAgain: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('<title>Error: Choose a new password');
    expect(short.body).toMatch(
      /<p id="error" class="error" role="alert">This password is too short: use at least 8 characters\./,
    );
    expect(tagOf(short.body, 'password')).toMatch(/aria-invalid="true"\s+autofocus/);
    expect(tagOf(short.body, 'password')).toMatch(/aria-describedby="error password-hint"/);
    expect(short.body).not.toContain('value=');

    const common = await pages.submit(link, { password: 'password123', passwordAgain: 'password123' });
    expect(visibleText(common.body)).toContain('one of the most common ones');
    expect(common.body).not.toContain('password123');

    const differ = await pages.submit(link, { password: NEW_PASSWORD, passwordAgain: `${NEW_PASSWORD}!` });
    expect(differ.statusCode).toBe(400);
    expect(visibleText(differ.body)).toContain('The two passwords are not the same.');
    expect(tagOf(differ.body, 'password-again')).toContain('aria-invalid="true"');
    expect(differ.body).not.toContain(NEW_PASSWORD);

    const done = await pages.submit(link, { password: NEW_PASSWORD, passwordAgain: NEW_PASSWORD });
    expect(done.statusCode, done.body).toBe(200);
    await api.login('page-errors@example.com', NEW_PASSWORD);
  });

  it('an account with an authenticator app is asked for a code, and a wrong code is refused, before the reset', async () => {
    const { secret } = await mfa.enrolled('page-mfa@example.com');
    const link = await resetLink('page-mfa@example.com');

    const asked = await pages.submit(link, { password: NEW_PASSWORD, passwordAgain: NEW_PASSWORD });
    expect(asked.statusCode).toBe(400);
    expect(visibleText(asked.body)).toContain('Your account uses two-step verification');
    expect(asked.body).toMatch(/<legend>Where your code comes from<\/legend>/);
    expect(tagOf(asked.body, 'method-totp')).toContain('checked');
    expect(tagOf(asked.body, 'code')).toContain('autocomplete="one-time-code"');
    expect(tagOf(asked.body, 'code')).toMatch(/aria-invalid="true"\s+autofocus/);
    expect(visibleText(asked.body)).toContain('Text me a code');

    const wrong = await pages.submit(link, {
      method: 'totp',
      code: '000000' === mfa.code(secret) ? '111111' : '000000',
      password: NEW_PASSWORD,
      passwordAgain: NEW_PASSWORD,
    });
    expect(wrong.statusCode).toBe(400);
    expect(visibleText(wrong.body)).toContain('That code did not work.');
    await api.post('/auth/login', { email: 'page-mfa@example.com', password: PASSWORD }).then((r) => {
      expect(r.statusCode).toBe(200); // the old password still works: nothing was reset
    });

    const missing = await pages.submit(link, {
      method: 'totp',
      code: '',
      password: NEW_PASSWORD,
      passwordAgain: NEW_PASSWORD,
    });
    expect(visibleText(missing.body)).toContain('Enter the code from your second factor.');

    clock.advance(30_000); // the enrolment spent this window's code
    const done = await pages.submit(link, {
      method: 'totp',
      code: mfa.code(secret),
      password: NEW_PASSWORD,
      passwordAgain: NEW_PASSWORD,
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(visibleText(done.body)).toContain('Your password has been changed');
    const login = await api.post('/auth/login', { email: 'page-mfa@example.com', password: NEW_PASSWORD });
    expect(login.json()).toMatchObject({ mfaRequired: true });
  });

  it('"Text me a code" texts an SMS account a code that completes the reset; an app-only account is told', async () => {
    const phone = '+12015550177';
    await server.createUser('page-sms@example.com', PASSWORD);
    const session = await api.login('page-sms@example.com');
    expect((await api.post('/auth/mfa/sms/setup', { phone }, session.accessToken)).statusCode).toBe(202);
    const [setupCode] = await server.outbox(phone);
    const confirmed = await api.post(
      '/auth/mfa/sms/confirm',
      { code: setupCode?.data.code },
      session.accessToken,
    );
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const link = await resetLink('page-sms@example.com');

    const sent = await pages.submit(link, { action: 'send_sms' });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.body).toMatch(/<p class="notice" role="status">We sent a code by text message/);
    expect(tagOf(sent.body, 'method-sms')).toContain('checked');
    const [sms] = await server.outbox(phone);
    expect(sms?.data.code).not.toBe(setupCode?.data.code);
    const done = await pages.submit(link, {
      method: 'sms',
      code: String(sms?.data.code),
      password: NEW_PASSWORD,
      passwordAgain: NEW_PASSWORD,
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(visibleText(done.body)).toContain('Your password has been changed');

    await mfa.enrolled('page-app-only@example.com');
    const appOnly = await pages.submit(await resetLink('page-app-only@example.com'), { action: 'send_sms' });
    expect(appOnly.statusCode).toBe(404);
    expect(visibleText(appOnly.body)).toContain('Your account does not get codes by text message');
    expect(tagOf(appOnly.body, 'method-totp')).toContain('checked');
  });

  it('a form another site made the browser send changes nothing', async () => {
    await server.createUser('page-csrf@example.com', PASSWORD);
    const link = await resetLink('page-csrf@example.com');
    const fields = { password: NEW_PASSWORD, passwordAgain: NEW_PASSWORD };
    const senders: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'https://evil.example' }, // a browser without Fetch Metadata
      { origin: 'http://localhost:8080' },
      { 'sec-fetch-site': 'cross-site', origin: 'null' }, // e.g. a sandboxed frame elsewhere
      { 'sec-fetch-site': 'cross-site', origin: 'http://localhost' }, // Fetch Metadata decides
    ];
    for (const sender of senders) {
      const refused = await pages.submit(link, fields, sender);
      expect(refused.statusCode, JSON.stringify(sender)).toBe(403);
      expect(visibleText(refused.body)).toContain('This form was sent from another website');
    }
    await api.login('page-csrf@example.com', PASSWORD);
    // The page itself: the same origin (the default port written or not), no sender named, or
    // Origin null, which these no-referrer pages' own forms send (Chromium does).
    const own: Record<string, string>[] = [
      { origin: 'http://localhost' },
      { 'sec-fetch-site': 'none' },
      {},
      { 'sec-fetch-site': 'same-origin', origin: 'null' },
    ];
    for (const sender of own) {
      const page = await pages.submit(link, { password: '', passwordAgain: '' }, sender);
      expect(page.statusCode, JSON.stringify(sender)).toBe(400);
      expect(visibleText(page.body)).toContain('Enter a new password.');
    }
    const done = await pages.submit(link, fields, {
      origin: 'http://localhost:80',
      'sec-fetch-site': 'same-origin',
    });
    expect(done.statusCode, done.body).toBe(200);
  });

  it('an incomplete or foreign link, and a form that is not one, get pages in plain words', async () => {
    for (const path of ['/reset-password', '/reset-password?token=']) {
      const page = await pages.open(path);
      expect(page.statusCode).toBe(400);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(visibleText(page.body)).toContain('This link is incomplete');
    }
    const forged = await pages.submit('/reset-password?token=ot1.default.nobody.AAAA', {
      password: NEW_PASSWORD,
      passwordAgain: NEW_PASSWORD,
    });
    expect(forged.statusCode).toBe(400);
    expect(visibleText(forged.body)).toContain('This link can no longer be used');
    const json = await server.app.inject({
      method: 'POST',
      url: '/reset-password?token=x',
      headers: { 'content-type': 'text/plain' },
      payload: 'password=x',
    });
    expect(json.statusCode).toBe(415);
    expect(json.headers['content-type']).toMatch(/^text\/html/);
    expect(visibleText(json.body)).toContain('The form could not be sent');
  });
});
