import type { CookieSerializeOptions } from '@fastify/cookie';
import type { GatehouseConfig } from '@gatehouse/core';

/**
 * The browser cookies of cookie mode (API.md "Browser (cookie) mode") under the configured
 * `server.cookiePolicy`:
 *
 * | policy      | names                          | Secure | SameSite | Domain            |
 * | production  | `__Host-gh_rt`, `__Host-gh_csrf` | yes  | Lax      | none (host-only)  |
 * |  + domain   | `__Secure-gh_rt`, ...          | yes    | Lax      | `cookieDomain`    |
 * | preview     | `__Host-gh_rt`, ...            | yes    | None     | none              |
 * | development | `gh_rt`, `gh_csrf`             | no     | Lax      | none              |
 *
 * Both are HttpOnly and Path=/: page scripts never read them (the CSRF token reaches the
 * page in a response body or header, derived from the cookie's secret).
 */
export interface CookiePolicy {
  refreshName: string;
  csrfName: string;
  options: CookieSerializeOptions;
  /** Said at start: what the browser will get. */
  description: string;
}

export function cookiePolicyOf(config: GatehouseConfig): CookiePolicy {
  const { cookiePolicy, cookieDomain } = config.server;
  const secure = cookiePolicy !== 'development';
  const sameSite = cookiePolicy === 'preview' ? 'none' : 'lax';
  // SameSite=None without Secure is dropped by browsers (and would be a cross-site cookie).
  if (sameSite === 'none' && !secure) throw new Error('SameSite=None cookies must be Secure');
  const prefix = !secure ? '' : cookieDomain ? '__Secure-' : '__Host-';
  const options: CookieSerializeOptions = {
    httpOnly: true,
    secure,
    sameSite,
    path: '/',
    ...(cookieDomain ? { domain: cookieDomain } : {}),
  };
  return {
    refreshName: `${prefix}gh_rt`,
    csrfName: `${prefix}gh_csrf`,
    options,
    description:
      `cookie mode on (${cookiePolicy}): ${prefix}gh_rt, HttpOnly` +
      `${secure ? ', Secure' : ' (not Secure: plain http for development)'}, SameSite=${sameSite === 'none' ? 'None' : 'Lax'}` +
      `${cookieDomain ? `, Domain=${cookieDomain}` : ', host-only'}`,
  };
}

/**
 * The refresh cookie's value carries its format version (`v1.<token>`): a new format is
 * rolled out by teaching the reader first (both accepted), then switching the writer, and
 * rolled back by switching the writer back. An unknown version reads as no cookie.
 */
const CURRENT_FORMAT = 'v1';
const READERS: Readonly<Record<string, (rest: string) => string | undefined>> = {
  v1: (rest) => (rest.length > 0 ? rest : undefined),
};

export const writeRefreshCookie = (refreshToken: string): string => `${CURRENT_FORMAT}.${refreshToken}`;

export function readRefreshCookie(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const dot = value.indexOf('.');
  if (dot <= 0) return undefined;
  const reader = Object.hasOwn(READERS, value.slice(0, dot)) ? READERS[value.slice(0, dot)] : undefined;
  return reader?.(value.slice(dot + 1));
}
