import { expect } from 'vitest';
import type { Clock } from '@gatehouse/core';
import type { TestServer } from '../helpers/test-gatehouse.js';
import { mfaClient } from '../mfa/totp-client.js';
import { SoftAuthenticator, type Ceremony } from './soft-authenticator.js';

/** The HTTP + TOTP client plus passkey ceremonies driven by software authenticators. */
export function passkeyClient(server: TestServer, clock: Clock, headers: Record<string, string> = {}) {
  const api = mfaClient(server, clock);
  const { origins } = server.gatehouse.config.webauthn;
  const inject = (method: 'POST' | 'GET' | 'DELETE', url: string, payload?: object, token?: string) =>
    server.app.inject({
      method,
      url: `/api/v1${url}`,
      ...(payload ? { payload } : {}),
      headers: {
        'user-agent': 'vitest',
        ...headers,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
  return {
    ...api,
    inject,
    /** A software authenticator on the configured origin (UV on unless told otherwise). */
    authenticator: (options: { userVerified?: boolean; synced?: boolean } = {}) =>
      new SoftAuthenticator(origins[0] ?? '', options),
    /** register/options → create() → register/verify; returns the verify response. */
    async registerPasskey(
      token: string,
      authenticator: SoftAuthenticator,
      ceremony: Ceremony = {},
      name?: string,
    ) {
      const options = await inject('POST', '/auth/webauthn/register/options', undefined, token);
      expect(options.statusCode, options.body).toBe(200);
      const response = authenticator.register(options.json(), ceremony);
      return inject(
        'POST',
        '/auth/webauthn/register/verify',
        { ...response, ...(name ? { name } : {}) },
        token,
      );
    },
    async enrol(token: string, authenticator: SoftAuthenticator, name?: string) {
      const verified = await this.registerPasskey(token, authenticator, {}, name);
      expect(verified.statusCode, verified.body).toBe(201);
      return verified.json().credential as { id: string; name: string };
    },
    async signInOptions(email?: string) {
      const response = await inject('POST', '/auth/webauthn/authenticate/options', email ? { email } : {});
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    },
    /** authenticate/options (by email, or discoverable) → get() → the assertion, not yet sent. */
    async assertion(authenticator: SoftAuthenticator, email?: string, ceremony: Ceremony = {}) {
      return authenticator.assert(await this.signInOptions(email), ceremony);
    },
    verifyAssertion: (assertion: object) => inject('POST', '/auth/webauthn/authenticate/verify', assertion),
    async signIn(authenticator: SoftAuthenticator, email?: string, ceremony: Ceremony = {}) {
      return this.verifyAssertion(await this.assertion(authenticator, email, ceremony));
    },
  };
}
