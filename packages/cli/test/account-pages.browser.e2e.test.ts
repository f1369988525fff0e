/**
 * The pages the verification and reset mails link to, in a real browser (Debian's
 * Chromium through playwright-core) against the real `gatehouse serve`: the links come
 * from the development outbox, controls are found by role and label, the flows run with
 * JavaScript off (plain forms), and every page state passes an axe scan with the page's
 * own CSP in force (no style refused). Screenshots of each state are written to
 * $TMPDIR/gatehouse-page-screenshots for a person to look at.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { totpCode } from '@gatehouse/core';
import { fromBase32, SETTINGS } from '../../server/test/mfa/totp-client.js';
import { browserSuite, launchChromium } from '../../../test/helpers/chromium.js';
import { callApi, cleanEnv, freePort, startGatehouse, waitFor, type Gatehouse } from './helpers/process.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SCREENSHOTS = join(tmpdir(), 'gatehouse-page-screenshots');
const PASSWORD = 'chosen at sign-up 42';
const NEW_PASSWORD = 'a brand new passphrase 7';

type Json = Record<string, unknown>;
interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

browserSuite('the mailed-link pages in Chromium against gatehouse serve', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-e2e-pages-'));
  let gatehouse: Gatehouse;
  let browser: Browser;
  let scripted: BrowserContext;
  let scriptless: BrowserContext;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const port = await freePort();
    gatehouse = await startGatehouse(
      cleanEnv({
        PORT: String(port),
        GATEHOUSE_DATA_DIR: dataDir,
        GATEHOUSE_PUBLIC_URL: `http://localhost:${port}`,
      }),
      120_000,
    );
    browser = await launchChromium();
    scripted = await browser.newContext();
    scriptless = await browser.newContext({ javaScriptEnabled: false });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await gatehouse?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (path: string, body?: object, token?: string, method = 'POST') =>
    callApi<Json>(gatehouse.url, method, path, body, token);

  /** The link of the newest `template` mail to `email`, as the outbox holds it. */
  async function mailedLink(email: string, template: string): Promise<string> {
    let link: string | undefined;
    await waitFor(async () => {
      const { body } = await call(`/dev/outbox?to=${encodeURIComponent(email)}`, undefined, undefined, 'GET');
      const messages = (body.messages ?? []) as { template: string; data: Json }[];
      link = messages.find((message) => message.template === template)?.data.url as string | undefined;
      return link !== undefined;
    }, 20_000);
    return link!;
  }

  async function register(email: string): Promise<string> {
    expect((await call('/auth/register', { email, password: PASSWORD })).status).toBe(202);
    return mailedLink(email, 'verify_email');
  }

  async function resetLink(email: string): Promise<string> {
    expect((await call('/auth/password/forgot', { email })).status).toBe(202);
    return mailedLink(email, 'password_reset');
  }

  async function open(context: BrowserContext, url: string): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    const response = await page.goto(url, { timeout: 15_000 });
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    return page;
  }

  /** axe (WCAG 2.0/2.1 A and AA, best practices) on the page as it is now; a screenshot beside. */
  async function check(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    // Evaluated through DevTools, which the page's CSP does not govern; the page keeps its own.
    await page.evaluate(AXE_SOURCE);
    const violations = (await page.evaluate(
      `axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }).then((r) => r.violations)`,
    )) as AxeViolation[];
    expect(
      violations.map(
        (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      ),
      name,
    ).toEqual([]);
  }

  /** Presses a form's button and waits until the page the server answers with has loaded. */
  async function press(page: Page, name: string): Promise<void> {
    const answered = page.waitForEvent('framenavigated', { timeout: 15_000 });
    await page.getByRole('button', { name, exact: true }).click();
    await answered;
    await page.waitForLoadState('domcontentloaded');
  }

  /** Autofocus lands once the new page has rendered: wait for it (bounded), never sleep. */
  async function expectFocusOn(page: Page, id: string): Promise<void> {
    const check = `document.activeElement !== null && document.activeElement.id === ${JSON.stringify(id)}`;
    const landed = await page
      .waitForFunction(check, undefined, { timeout: 5_000 })
      .then(() => true)
      .catch(() => false);
    expect(landed, `focus on #${id}`).toBe(true);
  }
  const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

  it('verify-email with JavaScript off: a wrong sign-up password is explained, the right one confirms the address', async () => {
    const link = await register('browser-verify@example.com');
    const page = await open(scriptless, link);
    expect(await heading(page)).toBe('Confirm your email address');

    await page.getByLabel('The password you chose when you signed up').fill('not the one I chose');
    await press(page, 'Confirm my email');
    expect(await page.getByRole('alert').textContent()).toContain(
      'That is not the password chosen when this address signed up',
    );
    expect(await page.title()).toMatch(/^Error: /);
    expect(await page.getByLabel('The password you chose when you signed up').inputValue()).toBe('');

    await page.getByLabel('The password you chose when you signed up').fill(PASSWORD);
    await press(page, 'Confirm my email');
    expect(await heading(page)).toBe('Your email address is confirmed');
    expect(
      (await call('/auth/login', { email: 'browser-verify@example.com', password: PASSWORD })).status,
    ).toBe(200);
  });

  it('verify-email with JavaScript off: "I didn\'t sign up" chooses a new password, refused while weak', async () => {
    const link = await register('browser-claim@example.com');
    const page = await open(scriptless, link);
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('New password again').fill('short');
    await press(page, 'Choose this password and confirm my email');
    expect(await page.getByRole('alert').textContent()).toContain('too short: use at least 8 characters');

    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('New password again').fill(NEW_PASSWORD);
    await press(page, 'Choose this password and confirm my email');
    expect(await heading(page)).toBe('Your email address is confirmed');
    const login = await call('/auth/login', { email: 'browser-claim@example.com', password: NEW_PASSWORD });
    expect(login.status).toBe(200);
    expect(
      (await call('/auth/login', { email: 'browser-claim@example.com', password: PASSWORD })).status,
    ).toBe(401);
  });

  it('reset-password with JavaScript off: mistyped twice, then set; the link is then spent', async () => {
    await register('browser-reset@example.com').then(async (link) => {
      const page = await open(scriptless, link);
      await page.getByLabel('The password you chose when you signed up').fill(PASSWORD);
      await press(page, 'Confirm my email');
      expect(await heading(page)).toBe('Your email address is confirmed');
    });
    const link = await resetLink('browser-reset@example.com');
    const page = await open(scriptless, link);
    expect(await heading(page)).toBe('Choose a new password');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('New password again').fill(`${NEW_PASSWORD}!`);
    await press(page, 'Set new password');
    expect(await page.getByRole('alert').textContent()).toContain('The two passwords are not the same');

    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('New password again').fill(NEW_PASSWORD);
    await press(page, 'Set new password');
    expect(await heading(page)).toBe('Your password has been changed');
    expect(
      (await call('/auth/login', { email: 'browser-reset@example.com', password: NEW_PASSWORD })).status,
    ).toBe(200);

    const again = await open(scriptless, link);
    await again.getByLabel('New password', { exact: true }).fill('one more passphrase 3');
    await again.getByLabel('New password again').fill('one more passphrase 3');
    await press(again, 'Set new password');
    expect(await heading(again)).toBe('This link can no longer be used');
  });

  it('every page state passes axe, focuses the field in error, and loads nothing the CSP refuses', async () => {
    // An account with an authenticator app, so the reset asks for a second factor.
    const email = 'browser-a11y@example.com';
    const verify = await open(scripted, await register(email));
    // The stylesheet applies: its hash in the CSP matches what the page carries.
    expect(await verify.evaluate('getComputedStyle(document.body).maxWidth')).toBe('480px');
    await check(verify, 'verify-email-form');
    await verify.getByLabel('The password you chose when you signed up').fill('wrong one entirely');
    await press(verify, 'Confirm my email');
    await expectFocusOn(verify, 'signup-password');
    await check(verify, 'verify-email-wrong-password');
    await verify.getByLabel('New password', { exact: true }).fill('password');
    await verify.getByLabel('New password again').fill('password');
    await press(verify, 'Choose this password and confirm my email');
    await expectFocusOn(verify, 'new-password');
    await check(verify, 'verify-email-weak-password');
    await verify.getByLabel('The password you chose when you signed up').fill(PASSWORD);
    await press(verify, 'Confirm my email');
    await check(verify, 'verify-email-done');

    const session = (await call('/auth/login', { email, password: PASSWORD })).body;
    const setup = await call('/auth/mfa/totp/setup', undefined, String(session.accessToken));
    const secret = fromBase32(String(setup.body.secret));
    const confirmed = await call(
      '/auth/mfa/totp/confirm',
      { code: totpCode(secret, SETTINGS, Date.now()) },
      String(session.accessToken),
    );
    const [backupCode] = confirmed.body.backupCodes as string[];

    const reset = await open(scripted, await resetLink(email));
    await check(reset, 'reset-password-form');
    await reset.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await reset.getByLabel('New password again').fill(NEW_PASSWORD);
    await press(reset, 'Set new password');
    expect(await reset.getByRole('alert').textContent()).toContain('Your account uses two-step verification');
    await expectFocusOn(reset, 'code');
    await check(reset, 'reset-password-second-factor');
    await reset.getByRole('radio', { name: 'Backup code' }).check();
    await reset.getByLabel('Code', { exact: true }).fill(backupCode!);
    await reset.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await reset.getByLabel('New password again').fill(NEW_PASSWORD);
    await press(reset, 'Set new password');
    expect(await heading(reset)).toBe('Your password has been changed');
    await check(reset, 'reset-password-done');

    const incomplete = await open(
      scripted,
      `${gatehouse.url.replace('127.0.0.1', 'localhost')}/reset-password`,
    );
    await check(incomplete, 'reset-password-incomplete-link');
    expect(cspViolations).toEqual([]);
  }, 60_000);
});
