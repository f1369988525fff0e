/**
 * Passkeys end to end in a real browser (../shared/recipes/webauthn-e2e.md): Debian's
 * Chromium driven by playwright-core, Chrome DevTools' virtual authenticator, and the real
 * `gatehouse serve` on loopback. The page is the server's own origin (http://localhost:<port>:
 * WebAuthn refuses IP addresses); the test calls the API from Node (the server's CSP forbids
 * the page to fetch) and the page only runs navigator.credentials with the JSON conversion
 * `@simplewebauthn/browser` does, written inline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { totpCode } from '@gatehouse/core';
import { fromBase32, SETTINGS } from '../../server/test/mfa/totp-client.js';
import { browserSuite, launchChromium } from '../../../test/helpers/chromium.js';
import { callApi, cleanEnv, freePort, startGatehouse, type Gatehouse } from './helpers/process.js';

const ADMIN = { email: 'root@example.com', password: 'bootstrap passphrase 1' };
const CEREMONY_TIMEOUT_MS = 10_000;

type Json = Record<string, unknown>;

/**
 * Runs in the page: options JSON → navigator.credentials.create/get → the credential as
 * RegistrationResponseJSON / AuthenticationResponseJSON. A string, so Node's types (no DOM)
 * never see it; a race, because create() hangs past its timeout without an authenticator.
 */
const CEREMONY = String.raw`async (kind, options, timeoutMs) => {
  const decode = (text) => Uint8Array.from(
    atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4)),
    (char) => char.charCodeAt(0));
  const encode = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const descriptors = (list) => (list || []).map((item) => ({ ...item, id: decode(item.id) }));
  const timeout = new Promise((_, reject) =>
    setTimeout(() => reject(new Error('no answer within ' + timeoutMs + ' ms')), timeoutMs));
  try {
    if (kind === 'create') {
      const publicKey = { ...options, challenge: decode(options.challenge),
        user: { ...options.user, id: decode(options.user.id) },
        excludeCredentials: descriptors(options.excludeCredentials) };
      const credential = await Promise.race([navigator.credentials.create({ publicKey }), timeout]);
      const response = credential.response;
      return { ok: true, credential: { id: credential.id, rawId: encode(credential.rawId), type: credential.type,
        authenticatorAttachment: credential.authenticatorAttachment || undefined,
        clientExtensionResults: credential.getClientExtensionResults(),
        response: { clientDataJSON: encode(response.clientDataJSON),
          attestationObject: encode(response.attestationObject), transports: response.getTransports() } } };
    }
    const publicKey = { ...options, challenge: decode(options.challenge),
      allowCredentials: descriptors(options.allowCredentials) };
    const credential = await Promise.race([navigator.credentials.get({ publicKey }), timeout]);
    const response = credential.response;
    return { ok: true, credential: { id: credential.id, rawId: encode(credential.rawId), type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: encode(response.clientDataJSON),
        authenticatorData: encode(response.authenticatorData), signature: encode(response.signature),
        userHandle: response.userHandle ? encode(response.userHandle) : undefined } } };
  } catch (error) {
    return { ok: false, error: error.name + ': ' + error.message };
  }
}`;

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Json;

browserSuite('passkeys in Chromium with a virtual authenticator against gatehouse serve', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-e2e-passkeys-'));
  let gatehouse: Gatehouse;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://localhost:${port}`;
    gatehouse = await startGatehouse(
      cleanEnv({
        PORT: String(port),
        GATEHOUSE_DATA_DIR: dataDir,
        GATEHOUSE_PUBLIC_URL: origin,
        GATEHOUSE_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
        GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      }),
    );
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gatehouse?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (path: string, body?: object, token?: string, method = 'POST') =>
    callApi<Json>(gatehouse.url, method, path, body, token);

  /** A tab on the server's origin with its own virtual authenticator. */
  async function tabWithAuthenticator(userVerification: boolean) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/health`, { timeout: 10_000 });
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: userVerification,
        isUserVerified: userVerification,
        automaticPresenceSimulation: true,
      },
    });
    const held = async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    return { page, held, close: () => context.close() };
  }

  async function ceremony(page: Page, kind: 'create' | 'get', options: Json): Promise<Json> {
    const args = [kind, options, CEREMONY_TIMEOUT_MS].map((arg) => JSON.stringify(arg)).join(', ');
    const result = (await page.evaluate(`(${CEREMONY})(${args})`)) as {
      ok: boolean;
      credential?: Json;
      error?: string;
    };
    expect(result.error).toBeUndefined();
    return result.credential!;
  }

  async function registerPasskey(page: Page, token: string): Promise<Json> {
    const options = await call('/auth/webauthn/register/options', undefined, token);
    expect(options.status, JSON.stringify(options.body)).toBe(200);
    const credential = await ceremony(page, 'create', options.body);
    const verified = await call('/auth/webauthn/register/verify', { ...credential, name: 'Chromium' }, token);
    expect(verified.status, JSON.stringify(verified.body)).toBe(201);
    return verified.body;
  }

  async function signIn(page: Page, email?: string) {
    const options = await call('/auth/webauthn/authenticate/options', email ? { email } : {});
    expect(options.status).toBe(200);
    return call('/auth/webauthn/authenticate/verify', await ceremony(page, 'get', options.body));
  }

  it('registers a passkey, signs in by email and username-less; a UV-less one with TOTP on gets mfaRequired', async () => {
    const login = await call('/auth/login', ADMIN);
    expect(login.status).toBe(200);
    const token = String(login.body.accessToken);
    const adminId = (login.body.user as Json).id;

    // Registration with a user-verifying platform authenticator (a discoverable credential).
    const verifying = await tabWithAuthenticator(true);
    await registerPasskey(verifying.page, token);
    const held = await verifying.held();
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
    const stored = await call('/auth/webauthn/credentials', undefined, token, 'GET');
    expect(stored.body.credentials).toEqual([
      expect.objectContaining({ name: 'Chromium', transports: ['internal'] }),
    ]);

    const byEmail = await signIn(verifying.page, ADMIN.email);
    expect(byEmail.status, JSON.stringify(byEmail.body)).toBe(200);
    expect(claimsOf(String(byEmail.body.accessToken)).amr).toEqual(['hwk', 'mfa']);
    const usernameLess = await signIn(verifying.page);
    expect(usernameLess.status, JSON.stringify(usernameLess.body)).toBe(200);
    expect((usernameLess.body.user as Json).id).toBe(adminId);
    await verifying.close();

    // TOTP on, then a second passkey on an authenticator that cannot verify the user.
    const setup = await call('/auth/mfa/totp/setup', undefined, token);
    const secret = fromBase32(String(setup.body.secret));
    const confirm = await call(
      '/auth/mfa/totp/confirm',
      { code: totpCode(secret, SETTINGS, Date.now()) },
      token,
    );
    expect(confirm.status, JSON.stringify(confirm.body)).toBe(200);
    const presenceOnly = await tabWithAuthenticator(false);
    await registerPasskey(presenceOnly.page, token);

    const first = await signIn(presenceOnly.page, ADMIN.email);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ mfaRequired: true, methods: ['totp', 'backup_code', 'password'] });
    expect(first.body.accessToken).toBeUndefined();
    const [backupCode] = confirm.body.backupCodes as string[];
    const finished = await call('/auth/mfa/verify', {
      challengeId: first.body.challengeId,
      method: 'backup_code',
      code: backupCode,
    });
    expect(finished.status, JSON.stringify(finished.body)).toBe(200);
    expect(claimsOf(String(finished.body.accessToken)).amr).toEqual(['hwk', 'otp', 'mfa']);
    await presenceOnly.close();
  }, 60_000);
});
