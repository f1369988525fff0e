import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { AuditEvent } from '@gatehouse/core';
import type { TestServer } from '../helpers/test-gatehouse.js';
import { client, type TokenPairBody } from '../lifecycle/client.js';
import type { TestIdp } from './test-idp.js';

/** The app Gatehouse sends browsers back to (allow-listed in every OAuth test server). */
export const APP = 'https://app.example.com';
export const RETURN_TO = `${APP}/signed-in`;
export const PROVIDER = 'idp';

/** The app's PKCE pair (RFC 7636 S256). */
export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The binding cookie a response set, as `name=value` (gh_oauth, or __Host-gh_oauth over HTTPS). */
export function bindingOf(response: LightMyRequestResponse): string {
  const header = [response.headers['set-cookie'] ?? []].flat().find((line) => /gh_oauth=/.test(line));
  expect(header, 'a gh_oauth cookie').toBeDefined();
  return header!.split(';')[0]!;
}

export interface Journey {
  /** Where Gatehouse sent the browser after the callback (the app, with ?code= or ?error=). */
  landing: URL;
  callback: LightMyRequestResponse;
  callbackUrl: URL;
  cookie: string;
  verifier: string;
}

/** HTTP helpers for the OAuth routes: the app's and the browser's side, against a TestIdp. */
export function oauthClient(server: TestServer, idp: TestIdp) {
  const api = client(server);
  const oauth = {
    ...api,
    authorize(query: Record<string, string>, provider = PROVIDER, headers: Record<string, string> = {}) {
      const search = new URLSearchParams(query).toString();
      return server.app.inject({ url: `/api/v1/oauth/${provider}/authorize?${search}`, headers });
    },
    /** authorize → 302 to the provider, with the binding cookie. */
    async start(options: { redirectTo?: string; provider?: string; headers?: Record<string, string> } = {}) {
      const { verifier, challenge } = pkcePair();
      const response = await oauth.authorize(
        { redirectTo: options.redirectTo ?? RETURN_TO, codeChallenge: challenge },
        options.provider,
        options.headers,
      );
      expect(response.statusCode, response.body).toBe(302);
      return { authorizationUrl: String(response.headers.location), cookie: bindingOf(response), verifier };
    },
    /** The provider's redirect back, as the browser delivers it (with or without the cookie). */
    callback(url: URL, cookie?: string, headers: Record<string, string> = {}) {
      return server.app.inject({
        url: `${url.pathname}${url.search}`,
        headers: { ...(cookie ? { cookie } : {}), ...headers },
      });
    },
    /** authorize → sign in at the provider as `account` → callback with the cookie. */
    async journey(
      account: string,
      options: { deny?: boolean; edit?: (url: URL) => URL } = {},
    ): Promise<Journey> {
      const { authorizationUrl, cookie, verifier } = await oauth.start();
      const callbackUrl = await idp.signIn(authorizationUrl, account, { deny: options.deny === true });
      const edited = options.edit?.(callbackUrl) ?? callbackUrl;
      const callback = await oauth.callback(edited, cookie);
      expect(callback.statusCode, callback.body).toBe(302);
      return { landing: new URL(String(callback.headers.location)), callback, callbackUrl, cookie, verifier };
    },
    exchange(code: string, codeVerifier: string, headers: Record<string, string> = {}) {
      return server.app.inject({
        method: 'POST',
        url: '/api/v1/oauth/exchange',
        payload: { code, codeVerifier },
        headers,
      });
    },
    /** The whole sign-in: journey, then the exchange, which must give tokens. */
    async oauthLogin(account: string): Promise<TokenPairBody> {
      const { landing, verifier } = await oauth.journey(account);
      const code = landing.searchParams.get('code');
      expect(code, `${landing.href} ${JSON.stringify(await oauth.failures())}`).toBeTruthy();
      const exchanged = await oauth.exchange(code!, verifier);
      expect(exchanged.statusCode, exchanged.body).toBe(200);
      return exchanged.json();
    },
    /** The `oauth.failed` audit events emitted so far, oldest first. */
    async failures(): Promise<AuditEvent[]> {
      await server.engine.audit.flush();
      return server.auditEvents.events.filter((event) => event.type === 'oauth.failed');
    },
    /** The newest `oauth.failed` event: its reason and detail. */
    async lastFailure(): Promise<{ reason: string | undefined; detail: unknown }> {
      const event = (await oauth.failures()).at(-1);
      return { reason: event?.reason, detail: event?.data?.detail };
    },
  };
  return oauth;
}

/** Expects the app landing to carry `error=<code>` and nothing else of ours. */
export function expectLandingError(landing: URL, error: string): void {
  expect(landing.origin + landing.pathname).toBe(RETURN_TO);
  expect(landing.searchParams.get('error')).toBe(error);
  expect(landing.searchParams.get('code')).toBeNull();
}
