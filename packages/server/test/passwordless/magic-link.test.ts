import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@gatehouse/core';
import { createTestServer, type TestServer } from '../helpers/test-gatehouse.js';
import { TEST_ADMIN } from '../helpers/stores.js';
import { PASSWORD, tokenOf } from '../lifecycle/client.js';
import { claimsOf, mfaClient } from '../mfa/totp-client.js';
import { CONFIRM_PATH, linkTokenOf, magicClient } from './magic-client.js';

const APP = 'https://app.example.com';

describe('magic links over HTTP', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0));
  let server: TestServer;
  let api: ReturnType<typeof magicClient>;
  let mfa: ReturnType<typeof mfaClient>;
  beforeAll(async () => {
    server = await createTestServer(
      {
        rateLimits: { codeSubmissions: { perIp: 1000 }, magicLinkRequests: { perIp: 1000 } },
        passwords: { argon2: { memoryKiB: 1024, iterations: 1 } },
        server: { redirectOrigins: [APP, 'http://localhost:3000'] },
      },
      { clock },
    );
    await server.app.ready();
    api = magicClient(server);
    mfa = mfaClient(server, clock);
  });
  afterAll(() => server.close());

  it('request → mail → the confirm page (which consumes nothing) → verify → tokens with amr email', async () => {
    await server.createUser('happy@example.com', PASSWORD);
    const message = await api.requestLink('happy@example.com');
    const token = linkTokenOf(message);
    expect(message.links[0]).toBe(`http://localhost:3000${CONFIRM_PATH}?token=${token}`);
    expect(message.data.expiresInMinutes).toBe(10);

    // Mail scanners prefetch the link, twice for good measure: nothing is used up.
    for (let i = 0; i < 2; i++) {
      const page = await api.openLink(message);
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.body).toContain('<script src="confirm.js" defer></script>');
      // The page reads the token from its own address; the server never reflects it.
      expect(page.body).not.toContain(token);
    }

    const verified = await api.verify(token);
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.headers['cache-control']).toBe('no-store');
    const tokens = verified.json();
    expect(tokens).toMatchObject({ tokenType: 'Bearer', user: { email: 'happy@example.com' } });
    expect(claimsOf(tokens.accessToken).amr).toEqual(['email']);
    expect((await api.get('/auth/me', tokens.accessToken)).statusCode).toBe(200);
  });

  it('the page runs only its own script: CSP without inline code, script served as JavaScript', async () => {
    const page = await server.app.inject({ url: `${CONFIRM_PATH}?token=x` });
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(page.body).not.toMatch(/<script>(?!<\/script>)|on(click|load)=/);
    const script = await server.app.inject({ url: `${CONFIRM_PATH}.js` });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.headers['x-content-type-options']).toBe('nosniff');
    expect(script.body).toContain("post('verify', { token })");
  });

  it('a link works once; a replay is 400 invalid_or_expired_token', async () => {
    await server.createUser('once@example.com', PASSWORD);
    const token = linkTokenOf(await api.requestLink('once@example.com'));
    expect((await api.verify(token)).statusCode).toBe(200);
    const replay = await api.verify(token);
    expect(replay.statusCode).toBe(400);
    expect(replay.json()).toMatchObject({ code: 'invalid_or_expired_token' });
  });

  it('of 10 parallel uses of one link exactly one signs in', async () => {
    await server.createUser('race@example.com', PASSWORD);
    const token = linkTokenOf(await api.requestLink('race@example.com'));
    const results = await Promise.all(Array.from({ length: 10 }, () => api.verify(token)));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 400)).toHaveLength(9);
  });

  it('a link dies after its 10 minutes', async () => {
    const userId = await server.createUser('late@example.com', PASSWORD);
    const token = linkTokenOf(await api.requestLink('late@example.com'));
    const key = `gh:{default:${userId}}:ots:magic_link`;
    expect(await server.gatehouse.stateStore.get(key)).not.toBeNull();
    // The state store runs on the injected clock: 10 minutes and a second later the record is gone.
    clock.advance(10 * 60_000 + 1000);
    expect(await server.gatehouse.stateStore.get(key)).toBeNull();
    expect((await api.verify(token)).json()).toMatchObject({ code: 'invalid_or_expired_token' });
  });

  it('a new link supersedes the previous one', async () => {
    await server.createUser('twice@example.com', PASSWORD);
    const first = linkTokenOf(await api.requestLink('twice@example.com'));
    const second = linkTokenOf(await api.requestLink('twice@example.com'));
    expect(second).not.toBe(first);
    expect((await api.verify(first)).statusCode).toBe(400);
    expect((await api.verify(second)).statusCode).toBe(200);
  });

  it('tampered tokens and tokens of another purpose are refused alike', async () => {
    await server.createUser('tamper@example.com', PASSWORD);
    const token = linkTokenOf(await api.requestLink('tamper@example.com'));
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    const verification = await api.register('pending-purpose@example.com');
    for (const bad of [flipped, token.slice(0, -3), 'ot1.default.x.y', `${token}.x`, tokenOf(verification)]) {
      const response = await api.verify(bad);
      expect(response.statusCode, bad).toBe(400);
      expect(response.json().code).toBe('invalid_or_expired_token');
    }
    expect((await api.verify(token)).statusCode).toBe(200);
  });

  it('an account with TOTP gets mfaRequired (no session), finished by /auth/mfa/verify', async () => {
    const { secret } = await mfa.enrolled('totp-link@example.com');
    clock.advance(30_000);
    const token = linkTokenOf(await api.requestLink('totp-link@example.com'));
    const answer = await api.verify(token);
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toMatchObject({ mfaRequired: true, methods: ['totp', 'backup_code'] });
    expect(answer.json().accessToken).toBeUndefined();
    const done = await mfa.verify(answer.json().challengeId, 'totp', mfa.code(secret));
    expect(done.statusCode, done.body).toBe(200);
    expect(claimsOf(done.json().accessToken).amr).toEqual(['email', 'otp', 'mfa']);
  });

  it('an unverified account is verified by its link, and a password set before is dropped', async () => {
    // Whoever registered never proved the mailbox: maybe a squatter (pre-account hijacking).
    const registered = await api.post('/auth/register', { email: 'squat@example.com', password: PASSWORD });
    expect(registered.statusCode).toBe(202);
    const token = linkTokenOf(await api.requestLink('squat@example.com'));
    const verified = await api.verify(token);
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json().user).toMatchObject({ email: 'squat@example.com', emailVerified: true });
    const login = await api.post('/auth/login', { email: 'squat@example.com', password: PASSWORD });
    expect(login.json()).toMatchObject({ code: 'invalid_credentials' });
  });

  it('a disabled account gets no link, and a link mailed before it was disabled answers account_disabled', async () => {
    const userId = await server.createUser('disabled@example.com', PASSWORD);
    const token = linkTokenOf(await api.requestLink('disabled@example.com'));
    await server.engine.admin.disableUser(TEST_ADMIN, 'default', userId, requestContext());
    const answer = await api.post('/auth/magic-link', { email: 'disabled@example.com' });
    expect(answer.statusCode).toBe(202);
    expect(
      (await server.outbox('disabled@example.com')).filter((m) => m.template === 'magic_link'),
    ).toHaveLength(1);
    expect((await api.verify(token)).json()).toMatchObject({ code: 'account_disabled' });
  });

  describe('redirectTo', () => {
    it('an allowed origin is carried to the confirm page, which goes there after signing in', async () => {
      await server.createUser('redirect@example.com', PASSWORD);
      const message = await api.requestLink('redirect@example.com', `${APP}/welcome?tab=1`);
      const link = new URL(String(message.data.url));
      expect(link.searchParams.get('redirectTo')).toBe(`${APP}/welcome?tab=1`);
      const page = await api.openLink(message);
      expect(page.body).toContain(`data-redirect-to="${APP}/welcome?tab=1"`);
    });

    const refused = [
      'https://evil.com/',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      '//evil.com',
      '/relative/path',
      'https://localhost:3000@evil.com',
      'https://app.example.com@evil.com/',
      'https://user:secret@app.example.com/',
      'https://app.example.com.evil.com/',
      'http://app.example.com/',
      'https://app.example.com:8443/',
      'https:\\\\evil.com',
      'https://app.example.com\\@evil.com',
      ' https://app.example.com/',
      'https://app.example.com/\nx',
      `${APP}/${'a'.repeat(2100)}`,
    ];
    for (const redirectTo of refused) {
      it(`refuses ${JSON.stringify(redirectTo.slice(0, 60))} with 400 validation_error`, async () => {
        const response = await api.post('/auth/magic-link', { email: 'happy@example.com', redirectTo });
        expect(response.statusCode, response.body).toBe(400);
        expect(response.json()).toMatchObject({ code: 'validation_error' });
        expect(response.json().errors[0].path).toBe('redirectTo');
      });
    }

    it('a confirm link forged with a foreign redirectTo gets a page that goes nowhere', async () => {
      const url = `${CONFIRM_PATH}?token=x&redirectTo=${encodeURIComponent('https://evil.com/')}`;
      const page = await server.app.inject({ url });
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('data-redirect-to');
      expect(page.body).not.toContain('evil.com');
    });
  });
});

describe('magic links turned off', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ accounts: { magicLinks: { enabled: false } } });
    await server.app.ready();
  });
  afterAll(() => server.close());

  it('every magic-link route answers 403 forbidden and nothing is mailed', async () => {
    await server.createUser('off@example.com', PASSWORD);
    const api = magicClient(server);
    const request = await api.post('/auth/magic-link', { email: 'off@example.com' });
    expect(request.statusCode).toBe(403);
    expect(request.json()).toMatchObject({ code: 'forbidden' });
    expect((await api.verify(`ot1.default.${crypto.randomUUID()}.${'A'.repeat(43)}`)).statusCode).toBe(403);
    expect((await server.app.inject({ url: `${CONFIRM_PATH}?token=x` })).statusCode).toBe(403);
    expect(await server.outbox('off@example.com')).toEqual([]);
  });
});

function requestContext() {
  return { ip: '127.0.0.1', userAgent: 'vitest', requestId: 'test', tenant: 'default' };
}
