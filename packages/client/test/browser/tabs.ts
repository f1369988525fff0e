/**
 * Debian's Chromium driven by playwright-core, and tabs running the test app
 * (client-page.js): each tab's `app` API called through page.evaluate.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium as launchDebianChromium } from '../../../../test/helpers/chromium.js';

/** Page loads and waits for the browser: generous, since a busy 2-core machine is slow. */
const PAGE_TIMEOUT_MS = 30_000;

/** What client-page.js answers for a call: the data, or the error as plain data. */
export type Outcome<T = unknown> = { ok: true; data: T } | { ok: false; status: number | null; code: string };

export interface TabEvent {
  name: 'signedIn' | 'signedOut' | 'tokenRefreshed' | 'sessionRevoked';
  reason: string | null;
}

interface TabSession {
  accessToken: string;
  sessionId: string;
  expiresAt: number;
}

/** The API client-page.js puts on the page's globalThis. */
interface PageApp {
  ready: boolean;
  login(email: string, password: string): Promise<Outcome<TabSession>>;
  request(method: string, path: string): Promise<Outcome>;
  session(): Promise<TabSession | null>;
  events(): TabEvent[];
}

/** Written for the page (no DOM types in Node): the app client-page.js installed. */
type PageScope = { app?: PageApp; Date: DateConstructor };

export function launchChromium(): Promise<Browser> {
  return launchDebianChromium(PAGE_TIMEOUT_MS * 2);
}

export class Tab {
  /** Uncaught errors and console errors of the page: empty unless the app itself broke. */
  readonly pageErrors: string[] = [];

  private constructor(readonly page: Page) {
    page.on('pageerror', (error) => this.pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') this.pageErrors.push(`${message.text()} (${message.location().url})`);
    });
  }

  /** A new tab on the app, once its script has loaded the SDK. */
  static async open(context: BrowserContext, url: string): Promise<Tab> {
    const tab = new Tab(await context.newPage());
    const response = await tab.page.goto(url, { timeout: PAGE_TIMEOUT_MS });
    if (!response?.ok()) throw new Error(`${url} answered ${response?.status()}`);
    await tab.page.waitForFunction(
      () => (globalThis as unknown as PageScope).app?.ready === true,
      undefined,
      {
        timeout: PAGE_TIMEOUT_MS,
      },
    );
    return tab;
  }

  login(email: string, password: string): Promise<Outcome<TabSession>> {
    return this.page.evaluate(([e, p]) => (globalThis as unknown as PageScope).app!.login(e, p), [
      email,
      password,
    ] as const);
  }

  request(method: string, path: string): Promise<Outcome> {
    return this.page.evaluate(([m, p]) => (globalThis as unknown as PageScope).app!.request(m, p), [
      method,
      path,
    ] as const);
  }

  session(): Promise<TabSession | null> {
    return this.page.evaluate(() => (globalThis as unknown as PageScope).app!.session());
  }

  events(): Promise<TabEvent[]> {
    return this.page.evaluate(() => (globalThis as unknown as PageScope).app!.events());
  }

  /**
   * Until the tab's access token has expired by the page's own clock (which is what the SDK
   * goes by): polled, so the wait is as long as the lifetime and no longer.
   */
  async untilAccessTokenExpired(timeoutMs: number): Promise<void> {
    const session = await this.session();
    if (session === null) throw new Error('the tab holds no session');
    // A synchronous predicate: waitForFunction takes a promise for a truthy answer.
    await this.page.waitForFunction(
      (expiresAt) => (globalThis as unknown as PageScope).Date.now() >= expiresAt,
      session.expiresAt,
      { polling: 50, timeout: timeoutMs },
    );
  }
}
