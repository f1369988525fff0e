/**
 * The cookie-mode suites' server and the checks they share: a real engine and app (the
 * security harness) with cookie mode on, a public URL and one CORS origin, and loopback as
 * a trusted proxy so each Browser is a device of its own.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import type { FastifyBaseLogger, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { createConfig, type GatehouseConfigInput } from '@gatehouse/core';
import { loggerOptions } from '../../src/logging.js';
import {
  CHEAP_ARGON2,
  openSecurityServer,
  type SecurityServer,
  type SecurityServerOptions,
} from '../security/harness.js';
import { isClearing, setCookieNamed, type CookiePolicy, type SetCookie } from './browser.js';

export const PUBLIC_URL = 'https://auth.example.com';
export const APP_ORIGIN = 'https://app.example.com';
/** Not the default (90 days), so a Max-Age equal to it was read from the config. */
export const ABSOLUTE_LIFETIME_SECONDS = 3 * 86_400;

/** Cookie mode on a https public URL (so the 'production' policy) unless `server` says otherwise. */
export function cookieModeConfig(overrides: GatehouseConfigInput = {}): GatehouseConfigInput {
  return {
    ...overrides,
    passwords: CHEAP_ARGON2,
    sessions: { absoluteLifetimeSeconds: ABSOLUTE_LIFETIME_SECONDS, ...overrides.sessions },
    server: {
      publicUrl: PUBLIC_URL,
      corsOrigins: [APP_ORIGIN],
      trustedProxies: ['loopback'],
      cookieMode: true,
      ...overrides.server,
    },
  };
}

export function openCookieServer(
  overrides: GatehouseConfigInput = {},
  options: SecurityServerOptions = {},
): Promise<SecurityServer> {
  return openSecurityServer(cookieModeConfig(overrides), options);
}

/** A trace-level logger with the server's own redaction, keeping every line it writes. */
export function captureLogger(): { logger: FastifyBaseLogger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const options = loggerOptions(createConfig({ server: { logLevel: 'trace' } }));
  return { logger: pino(options, stream) as unknown as FastifyBaseLogger, lines };
}

export interface ExpectedCookie {
  policy: CookiePolicy;
  /** The parent domain configured (server.cookieDomain), if any. */
  domain?: string;
}

/** The attributes the spec fixes for both cookies under `policy`. */
export function expectCookieAttributes(cookie: SetCookie, { policy, domain }: ExpectedCookie): void {
  const context = cookie.raw;
  expect(cookie.attributes.get('httponly'), context).toBe(true);
  expect(cookie.attributes.get('path'), context).toBe('/');
  expect(cookie.attributes.get('secure') === true, context).toBe(policy !== 'development');
  const sameSite = String(cookie.attributes.get('samesite')).toLowerCase();
  expect(sameSite, context).toBe(policy === 'preview' ? 'none' : 'lax');
  // __Host- cookies must have no Domain (browsers drop them otherwise); __Secure- ones name the parent.
  if (domain) expect(cookie.attributes.get('domain'), context).toBe(domain);
  else expect(cookie.attributes.has('domain'), context).toBe(false);
}

/** The answer set no cookie called `name` (neither a value nor a clearing one). */
export function expectNoCookie(response: LightMyRequestResponse, name: string): void {
  expect(setCookieNamed(response, name), `${response.statusCode} ${response.body}`).toBeUndefined();
}

/** The answer sets `name` to a live value and returns it. */
export function expectLiveCookie(response: LightMyRequestResponse, name: string): SetCookie {
  const cookie = setCookieNamed(response, name);
  expect(cookie, `no Set-Cookie ${name}: ${response.statusCode} ${response.body}`).toBeDefined();
  expect(isClearing(cookie!), cookie!.raw).toBe(false);
  return cookie!;
}

/** The answer clears `name` (Max-Age=0 or an Expires in the past) and returns it. */
export function expectClearedCookie(response: LightMyRequestResponse, name: string): SetCookie {
  const cookie = setCookieNamed(response, name);
  expect(cookie, `no Set-Cookie ${name}: ${response.statusCode} ${response.body}`).toBeDefined();
  expect(isClearing(cookie!), cookie!.raw).toBe(true);
  return cookie!;
}
