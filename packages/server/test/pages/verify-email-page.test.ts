/**
 * The page a verification mail links to, over HTTP: the link opens two forms (consuming
 * nothing); the sign-up's password confirms the address, or a new password claims it;
 * every refusal is a page in plain words, and a refused try leaves the link usable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../helpers/test-gatehouse.js';
import { client, NEW_PASSWORD, PASSWORD } from '../lifecycle/client.js';
import { pageClient, pagePathOf, tagOf, visibleText } from './page-client.js';
import { storesOf } from '../helpers/stores.js';

describe('the email-verification page', () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let pages: ReturnType<typeof pageClient>;
  beforeAll(async () => {
    server = await createTestServer({
      rateLimits: { codeSubmissions: { perIp: 1000 } },
      passwords: { argon2: { memoryKiB: 1024, iterations: 1 } },
    });
    await server.app.ready();
    api = client(server);
    pages = pageClient(server);
  });
  afterAll(() => server.close());

  const verifyLink = async (email: string, password = PASSWORD) =>
    pagePathOf(await api.register(email, password));
  const emailVerified = async (email: string) =>
    (await storesOf(server.engine).users.findByEmail('default', email))!.emailVerifiedAt !== null;

  it('the mailed link opens both forms (twice: nothing is used up); the sign-up password confirms the address', async () => {
    const link = await verifyLink('page-verify@example.com');
    expect(link).toMatch(/^\/verify-email\?token=/);
    const token = new URLSearchParams(link.split('?')[1]).get('token')!;
    for (let i = 0; i < 2; i++) {
      const page = await pages.open(link);
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(String(page.headers['content-security-policy'])).not.toContain('script-src');
      expect(page.body).not.toMatch(/<script/);
      expect(page.body).toMatch(
        /<label for="signup-password">The password you chose when you signed up<\/label>/,
      );
      expect(page.body).toMatch(/<button type="submit">Confirm my email<\/button>/);
      expect(page.body).toMatch(/<h2>I didn't sign up, or I forgot that password<\/h2>/);
      expect(page.body).toMatch(/<label for="new-password">New password<\/label>/);
      expect(page.body).toMatch(/<label for="new-password-again">New password again<\/label>/);
      expect(tagOf(page.body, 'signup-password')).toContain('autocomplete="current-password"');
      expect(tagOf(page.body, 'new-password')).toContain('autocomplete="new-password"');
      expect(page.body).not.toContain(token);
    }
    expect(await emailVerified('page-verify@example.com')).toBe(false);

    const done = await pages.submit(link, { action: 'signup_password', password: PASSWORD });
    expect(done.statusCode, done.body).toBe(200);
    expect(visibleText(done.body)).toContain('Your email address is confirmed');
    expect(done.body).not.toContain(PASSWORD);
    expect(await emailVerified('page-verify@example.com')).toBe(true);
    await api.login('page-verify@example.com', PASSWORD);

    const again = await pages.submit(link, { action: 'signup_password', password: PASSWORD });
    expect(again.statusCode).toBe(400);
    expect(visibleText(again.body)).toContain('This link can no longer be used');
  });

  it('a wrong sign-up password and a weak or mistyped new one are explained; the link stays usable; a new password claims the account', async () => {
    const link = await verifyLink('page-claim@example.com');

    const mismatch = await pages.submit(link, {
      action: 'signup_password',
      password: 'not what was chosen 1',
    });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain('<title>Error: Confirm your email address');
    expect(visibleText(mismatch.body)).toContain(
      'That is not the password chosen when this address signed up. Try again, or choose a new password below.',
    );
    expect(tagOf(mismatch.body, 'signup-password')).toMatch(/aria-invalid="true"\s+autofocus/);
    expect(mismatch.body).not.toContain('not what was chosen 1');

    const empty = await pages.submit(link, { action: 'signup_password', password: '' });
    expect(visibleText(empty.body)).toContain('Enter the password you chose when you signed up.');

    const weak = await pages.submit(link, {
      action: 'new_password',
      newPassword: 'short',
      newPasswordAgain: 'short',
    });
    expect(weak.statusCode).toBe(400);
    expect(visibleText(weak.body)).toContain('This password is too short: use at least 8 characters.');
    expect(tagOf(weak.body, 'new-password')).toMatch(/aria-invalid="true"/);
    expect(tagOf(weak.body, 'signup-password')).not.toContain('aria-invalid');

    const differ = await pages.submit(link, {
      action: 'new_password',
      newPassword: NEW_PASSWORD,
      newPasswordAgain: 'something else entirely 5',
    });
    expect(visibleText(differ.body)).toContain('The two passwords are not the same.');
    expect(tagOf(differ.body, 'new-password-again')).toContain('aria-invalid="true"');
    expect(await emailVerified('page-claim@example.com')).toBe(false);

    const claimed = await pages.submit(link, {
      action: 'new_password',
      newPassword: NEW_PASSWORD,
      newPasswordAgain: NEW_PASSWORD,
    });
    expect(claimed.statusCode, claimed.body).toBe(200);
    expect(visibleText(claimed.body)).toContain('Your email address is confirmed');
    await api.login('page-claim@example.com', NEW_PASSWORD);
    const old = await api.post('/auth/login', { email: 'page-claim@example.com', password: PASSWORD });
    expect(old.statusCode).toBe(401); // the sign-up's password was not activated
  });

  it('a form another site made the browser send changes nothing; an incomplete link is explained', async () => {
    const link = await verifyLink('page-verify-csrf@example.com');
    const refused = await pages.submit(
      link,
      { action: 'new_password', newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD },
      { 'sec-fetch-site': 'cross-site' },
    );
    expect(refused.statusCode).toBe(403);
    expect(visibleText(refused.body)).toContain('This form was sent from another website');
    expect(await emailVerified('page-verify-csrf@example.com')).toBe(false);
    const done = await pages.submit(link, { action: 'signup_password', password: PASSWORD });
    expect(done.statusCode, done.body).toBe(200);

    const incomplete = await pages.open('/verify-email');
    expect(incomplete.statusCode).toBe(400);
    expect(visibleText(incomplete.body)).toContain('This link is incomplete');
  });
});
