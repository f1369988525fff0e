/**
 * The confirm page's script, run against the real server with a minimal stand-in for the
 * browser (elements, location, history, fetch): the button signs in, an MFA account is
 * asked for a code, the token leaves the address bar, and the page goes to redirectTo.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, type OutboxEntry } from '@gatehouse/core';
import { CONFIRM_PAGE_SCRIPT } from '../../src/pages/magic-link-confirm-page.js';
import { createTestServer, type TestServer } from '../helpers/test-gatehouse.js';
import { client, PASSWORD } from '../lifecycle/client.js';
import { mfaClient } from '../mfa/totp-client.js';
import { magicClient } from './magic-client.js';

const APP = 'https://app.example.com';

class FakeElement {
  hidden = false;
  disabled = false;
  textContent = '';
  value = '';
  dataset: Record<string, string> = {};
  private readonly listeners = new Map<string, () => Promise<void>>();
  addEventListener(type: string, listener: () => Promise<void>) {
    this.listeners.set(type, listener);
  }
  focus() {}
  /** Resolves once the (async) handler finished. */
  click(): Promise<void> {
    return this.listeners.get('click')?.() ?? Promise.resolve();
  }
}

/** Loads the page the emailed link opens and runs its script in the stand-in browser. */
async function openInBrowser(server: TestServer, message: OutboxEntry) {
  const pageUrl = new URL(String(message.data.url));
  const page = await server.app.inject({ url: `${pageUrl.pathname}${pageUrl.search}` });
  const elements = Object.fromEntries(
    ['magic-link', 'status', 'sign-in', 'mfa', 'code', 'verify-code'].map((id) => [id, new FakeElement()]),
  );
  const redirect = /data-redirect-to="([^"]*)"/.exec(page.body)?.[1];
  if (redirect) elements['magic-link']!.dataset.redirectTo = redirect.replace(/&amp;/g, '&');
  const browser = { navigatedTo: null as string | null, addressBar: pageUrl.href, requests: [] as string[] };
  const location = {
    search: pageUrl.search,
    pathname: pageUrl.pathname,
    replace: (url: string) => (browser.navigatedTo = url),
  };
  const history = {
    replaceState: (_state: unknown, _title: string, url: string) => (browser.addressBar = url),
  };
  const fetch = async (
    path: string,
    init: { method: string; headers: Record<string, string>; body: string },
  ) => {
    const url = new URL(path, pageUrl);
    browser.requests.push(url.pathname);
    const response = await server.app.inject({
      method: 'POST',
      url: url.pathname,
      headers: init.headers,
      payload: init.body,
    });
    return { status: response.statusCode, json: async () => response.json() };
  };
  const document = { getElementById: (id: string) => elements[id] };
  new Function('document', 'location', 'history', 'fetch', CONFIRM_PAGE_SCRIPT)(
    document,
    location,
    history,
    fetch,
  );
  return { elements, browser };
}

describe('the magic-link confirm page script', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0));
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer(
      {
        passwords: { argon2: { memoryKiB: 1024, iterations: 1 } },
        server: { redirectOrigins: [APP] },
      },
      { clock },
    );
    await server.app.ready();
  });
  afterAll(() => server.close());

  it('does nothing until the button is pressed, then signs in and goes to redirectTo', async () => {
    await server.createUser('page@example.com', PASSWORD);
    const message = await magicClient(server).requestLink('page@example.com', `${APP}/home`);
    const { elements, browser } = await openInBrowser(server, message);
    expect(browser.requests).toEqual([]);
    await elements['sign-in']!.click();
    expect(browser.requests).toEqual(['/api/v1/auth/magic-link/verify']);
    expect(browser.addressBar).toBe('/api/v1/auth/magic-link/confirm');
    expect(browser.navigatedTo).toBe(`${APP}/home`);
  });

  it('shows what went wrong for a used link, and stays put', async () => {
    await server.createUser('used@example.com', PASSWORD);
    const message = await magicClient(server).requestLink('used@example.com');
    await (await openInBrowser(server, message)).elements['sign-in']!.click();
    const { elements, browser } = await openInBrowser(server, message);
    await elements['sign-in']!.click();
    expect(elements.status!.textContent).toMatch(/invalid, expired or already used/);
    expect(browser.navigatedTo).toBeNull();
  });

  it('asks an MFA account for a code and finishes the sign-in with it', async () => {
    const mfa = mfaClient(server, clock);
    const { secret } = await mfa.enrolled('page-totp@example.com');
    clock.advance(30_000);
    const message = await magicClient(server).requestLink('page-totp@example.com');
    const { elements, browser } = await openInBrowser(server, message);
    await elements['sign-in']!.click();
    expect(elements.mfa!.hidden).toBe(false);
    expect(browser.navigatedTo).toBeNull();
    elements.code!.value = mfa.code(secret);
    await elements['verify-code']!.click();
    expect(browser.requests).toEqual(['/api/v1/auth/magic-link/verify', '/api/v1/auth/mfa/verify']);
    expect(elements.status!.textContent).toBe('You are signed in. You can close this page.');
  });

  it('has an SMS code sent to an SMS-only account and signs in with it', async () => {
    const phone = '+12015550177';
    await server.createUser('page-sms@example.com', PASSWORD);
    const api = client(server);
    const first = await api.login('page-sms@example.com');
    expect((await api.post('/auth/mfa/sms/setup', { phone }, first.accessToken)).statusCode).toBe(202);
    const setupCode = String((await api.lastMessage(phone, 'sms_code')).data.code);
    expect((await api.post('/auth/mfa/sms/confirm', { code: setupCode }, first.accessToken)).statusCode).toBe(
      200,
    );

    const message = await magicClient(server).requestLink('page-sms@example.com');
    const { elements, browser } = await openInBrowser(server, message);
    await elements['sign-in']!.click();
    expect(browser.requests).toEqual(['/api/v1/auth/magic-link/verify', '/api/v1/auth/mfa/challenge']);
    expect(elements.status!.textContent).toMatch(/sent you a code by SMS/);
    elements.code!.value = String((await api.lastMessage(phone, 'sms_code')).data.code);
    await elements['verify-code']!.click();
    expect(browser.requests.at(-1)).toBe('/api/v1/auth/mfa/verify');
    expect(elements.status!.textContent).toBe('You are signed in. You can close this page.');
  });
});
