/**
 * A browser, as far as cookie mode can tell: a cookie jar over `app.inject`, the CSRF token
 * the page would hold in memory, and a device (IP through the trusted loopback proxy, user
 * agent). Nothing here checks what the server sends; the tests do, from the raw Set-Cookie.
 */
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { PASSWORD, type SecurityServer } from '../security/harness.js';

/** One Set-Cookie header, attribute names lower-cased (values kept as sent). */
export interface SetCookie {
  name: string;
  value: string;
  attributes: ReadonlyMap<string, string | true>;
  raw: string;
}

export function parseSetCookie(raw: string): SetCookie {
  const [pair = '', ...rest] = raw.split(';');
  const equals = pair.indexOf('=');
  const attributes = new Map<string, string | true>();
  for (const part of rest) {
    const at = part.indexOf('=');
    const key = (at === -1 ? part : part.slice(0, at)).trim().toLowerCase();
    if (key !== '') attributes.set(key, at === -1 ? true : part.slice(at + 1).trim());
  }
  return { name: pair.slice(0, equals).trim(), value: pair.slice(equals + 1).trim(), attributes, raw };
}

/** Every Set-Cookie of an answer, parsed. */
export function setCookiesOf(response: LightMyRequestResponse): SetCookie[] {
  const header = response.headers['set-cookie'];
  const list = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return list.map(parseSetCookie);
}

/** The one Set-Cookie named `name` (fails the test when there are several). */
export function setCookieNamed(response: LightMyRequestResponse, name: string): SetCookie | undefined {
  const matching = setCookiesOf(response).filter((cookie) => cookie.name === name);
  expect(
    matching.length,
    `Set-Cookie ${name}: ${JSON.stringify(response.headers['set-cookie'])}`,
  ).toBeLessThan(2);
  return matching[0];
}

/** A cookie the browser must drop at once: Max-Age zero or less, or an Expires in the past. */
export function isClearing(cookie: SetCookie): boolean {
  const maxAge = cookie.attributes.get('max-age');
  if (typeof maxAge === 'string') return Number(maxAge) <= 0;
  const expires = cookie.attributes.get('expires');
  return typeof expires === 'string' && Date.parse(expires) <= Date.now();
}

export type CookiePolicy = 'production' | 'preview' | 'development';

export interface CookieNames {
  refresh: string;
  csrf: string;
}

/** The names the spec fixes per policy (the __Secure- prefix when a parent Domain is set). */
export function cookieNamesFor(policy: CookiePolicy, withDomain = false): CookieNames {
  if (policy === 'development') return { refresh: 'gh_rt', csrf: 'gh_csrf' };
  const prefix = withDomain ? '__Secure-' : '__Host-';
  return { refresh: `${prefix}gh_rt`, csrf: `${prefix}gh_csrf` };
}

/** The refresh cookie's value format: a version, then the refresh token. */
export const REFRESH_COOKIE_VERSION = 'v1.';

export interface Device {
  ip: string;
  userAgent: string;
}

let devices = 0;
/** A device no other browser in the run shares (documentation-range IP, own user agent). */
export function newDevice(): Device {
  devices += 1;
  return { ip: `192.0.2.${(devices % 250) + 1}`, userAgent: `cookie-suite-browser/${devices}` };
}

export interface BrowserRequest {
  payload?: unknown;
  /** An access token for `authorization: Bearer`. */
  token?: string;
  headers?: Record<string, string>;
  /** The x-csrf-token to send: the page's current one by default, none with null. */
  csrf?: string | null;
}

export class Browser {
  /** The cookie jar: name → value, as the browser would send them back. */
  readonly jar = new Map<string, string>();
  /** What the page holds in memory: the last CSRF token it was given. */
  csrfToken: string | undefined;

  constructor(
    private readonly server: SecurityServer,
    readonly names: CookieNames,
    readonly device: Device = newDevice(),
  ) {}

  /**
   * A copy of this browser as it is now (cookies and CSRF token): on the same device, a
   * stale tab; on another device, a thief holding the copied cookie jar.
   */
  clone(device: Device = this.device): Browser {
    const copy = new Browser(this.server, this.names, device);
    for (const [name, value] of this.jar) copy.jar.set(name, value);
    copy.csrfToken = this.csrfToken;
    return copy;
  }

  /** The refresh token in the refresh cookie (without its format version). */
  get refreshToken(): string | undefined {
    const value = this.jar.get(this.names.refresh);
    return value?.startsWith(REFRESH_COOKIE_VERSION) ? value.slice(REFRESH_COOKIE_VERSION.length) : value;
  }

  async send(method: string, url: string, request: BrowserRequest = {}): Promise<LightMyRequestResponse> {
    const csrf = request.csrf === undefined ? this.csrfToken : request.csrf;
    const cookie = [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await this.server.call(method, url, {
      ...(request.payload !== undefined ? { payload: request.payload } : {}),
      ...(request.token ? { token: request.token } : {}),
      headers: {
        'user-agent': this.device.userAgent,
        'x-forwarded-for': this.device.ip,
        ...(cookie ? { cookie } : {}),
        ...(typeof csrf === 'string' ? { 'x-csrf-token': csrf } : {}),
        ...request.headers,
      },
    });
    this.remember(response);
    return response;
  }

  /** GET /auth/csrf, as the page does before its first mutating request; returns the token. */
  async fetchCsrfToken(headers: Record<string, string> = {}): Promise<string> {
    const response = await this.send('GET', '/auth/csrf', { headers });
    expect(response.statusCode, response.body).toBe(200);
    const { csrfToken } = response.json() as { csrfToken: string };
    expect(typeof csrfToken).toBe('string');
    this.csrfToken = csrfToken;
    return csrfToken;
  }

  /** The full sign-in of a page: a CSRF token first, then the login (expects 200). */
  async signIn(email: string, password = PASSWORD, headers: Record<string, string> = {}) {
    await this.fetchCsrfToken(headers);
    const response = await this.send('POST', '/auth/login', { payload: { email, password }, headers });
    expect(response.statusCode, response.body).toBe(200);
    return { response, body: response.json() as BrowserTokens };
  }

  refresh(request: BrowserRequest = {}): Promise<LightMyRequestResponse> {
    return this.send('POST', '/auth/refresh', { payload: {}, ...request });
  }

  /** Keeps what the answer set: cookies (dropping cleared ones) and a fresh x-csrf-token. */
  private remember(response: LightMyRequestResponse): void {
    for (const cookie of setCookiesOf(response)) {
      if (isClearing(cookie)) this.jar.delete(cookie.name);
      else this.jar.set(cookie.name, cookie.value);
    }
    const fresh = response.headers['x-csrf-token'];
    if (typeof fresh === 'string' && fresh !== '') this.csrfToken = fresh;
  }
}

/** A token-bearing answer to a browser: no refresh token in it. */
export interface BrowserTokens {
  accessToken: string;
  sessionId: string;
  expiresIn: number;
  user: { id: string; email: string; roles: string[] };
  refreshToken?: unknown;
}
