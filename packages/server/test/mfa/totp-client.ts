import { expect } from 'vitest';
import { totpCode, type Clock, type TotpSettings } from '@gatehouse/core';
import type { TestServer } from '../helpers/test-gatehouse.js';
import { client, PASSWORD, type TokenPairBody } from '../lifecycle/client.js';

export const SETTINGS: TotpSettings = { algorithm: 'SHA1', digits: 6, periodSeconds: 30 };

/** Base32 (RFC 4648) decoding for the secret setup returns. */
export function fromBase32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of text.replace(/=+$/, '')) bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  return Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => parseInt(byte, 2)));
}

/** The HTTP client plus TOTP helpers: enrol a user and answer challenges at the server's clock. */
export function mfaClient(server: TestServer, clock: Clock) {
  const api = client(server);
  const code = (secret: Buffer, offsetSteps = 0) =>
    totpCode(secret, SETTINGS, clock.now() + offsetSteps * 30_000);
  return {
    ...api,
    code,
    /** A verified user with TOTP on; returns its secret, backup codes and a fully signed-in pair. */
    async enrolled(email: string) {
      await server.createUser(email, PASSWORD);
      const first = await api.login(email);
      const setup = await api.post('/auth/mfa/totp/setup', undefined, first.accessToken);
      expect(setup.statusCode, setup.body).toBe(200);
      const secret = fromBase32(setup.json().secret);
      const confirm = await api.post('/auth/mfa/totp/confirm', { code: code(secret) }, first.accessToken);
      expect(confirm.statusCode, confirm.body).toBe(200);
      return { secret, backupCodes: confirm.json().backupCodes as string[], session: first };
    },
    /** Password login that must stop at the challenge. */
    async challenge(email: string): Promise<{ challengeId: string; methods: string[] }> {
      const response = await api.post('/auth/login', { email, password: PASSWORD });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ mfaRequired: true });
      expect(response.json().accessToken).toBeUndefined();
      return response.json();
    },
    async verify(challengeId: string, method: string, value: string) {
      return api.post('/auth/mfa/verify', { challengeId, method, code: value });
    },
    async fullLogin(email: string, secret: Buffer): Promise<TokenPairBody> {
      const { challengeId } = await this.challenge(email);
      const response = await this.verify(challengeId, 'totp', code(secret));
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    },
  };
}

/** The payload of a JWT, unverified (tests only read claims the server just issued). */
export const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
