import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@gatehouse/core';
import { describeWithCommand } from '../../../core/test/helpers/real-backends.js';
import { createTestServer, type TestServer } from '../helpers/test-gatehouse.js';
import { PASSWORD } from '../lifecycle/client.js';
import { claimsOf, mfaClient } from './totp-client.js';

/** Every factor or identity change API.md puts behind step-up, with a body that passes validation. */
const GUARDED: [method: 'POST' | 'DELETE', url: string, payload?: object][] = [
  ['POST', '/auth/mfa/totp/setup'],
  ['POST', '/auth/mfa/totp/confirm', { code: '123456' }],
  ['POST', '/auth/mfa/disable', { method: 'totp', code: '123456' }],
  ['POST', '/auth/mfa/backup-codes', { code: '123456' }],
  ['POST', '/auth/mfa/sms/setup', { phone: '+14155550100' }],
  ['POST', '/auth/mfa/sms/confirm', { code: '123456' }],
  ['POST', '/auth/webauthn/register/options'],
  [
    'POST',
    '/auth/webauthn/register/verify',
    {
      id: 'AAAAAAAAAAAAAAAAAAAAAA',
      rawId: 'AAAAAAAAAAAAAAAAAAAAAA',
      type: 'public-key',
      response: { clientDataJSON: 'AAAAAAAAAAAA', attestationObject: 'AAAAAAAAAAAA' },
    },
  ],
  ['DELETE', '/auth/webauthn/credentials/00000000-0000-4000-8000-000000000000'],
  ['POST', '/users/email/change', { newEmail: 'new-address@example.com' }],
  ['POST', '/users/email/confirm', { code: '123456' }],
  ['DELETE', '/users/account'],
];

describe('step-up (API.md "Step-up")', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 9, 0, 0));
  let server: TestServer;
  let api: ReturnType<typeof mfaClient>;
  beforeAll(async () => {
    server = await createTestServer({ passwords: { argon2: { memoryKiB: 1024, iterations: 1 } } }, { clock });
    await server.app.ready();
    api = mfaClient(server, clock);
  });
  afterAll(() => server.close());

  const call = (method: 'POST' | 'DELETE', url: string, token: string, payload?: object) =>
    server.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });

  it('every guarded route answers 403 step_up_required 5 minutes after sign-in, and not before', async () => {
    await server.createUser('guarded@example.com', PASSWORD);
    const session = await api.login('guarded@example.com');
    clock.advance(5 * 60_000 + 1_000);
    for (const [method, url, payload] of GUARDED) {
      const response = await call(method, url, session.accessToken, payload);
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(403);
      expect(response.json().code).toBe('step_up_required');
    }
    // A refresh does not make the sign-in recent (auth_time is copied, never renewed).
    const refreshed = (await api.post('/auth/refresh', { refreshToken: session.refreshToken })).json();
    expect((await call('POST', '/auth/mfa/totp/setup', refreshed.accessToken)).statusCode).toBe(403);
    // A step-up does.
    const stepped = await api.post('/auth/step-up', { password: PASSWORD }, refreshed.accessToken);
    expect(stepped.statusCode, stepped.body).toBe(200);
    expect(claimsOf(stepped.json().accessToken).auth_time).toBe(Math.floor(clock.now() / 1000));
    expect((await call('POST', '/auth/mfa/totp/setup', stepped.json().accessToken)).statusCode).toBe(200);
  });

  it('failed step-ups count toward the login throttle', async () => {
    const local = await createTestServer({
      passwords: { argon2: { memoryKiB: 1024, iterations: 1 } },
      rateLimits: { login: { perIdentifierAndIp: 3 } },
    });
    try {
      await local.app.ready();
      const localApi = mfaClient(local, clock);
      await local.createUser('throttled-stepup@example.com', PASSWORD);
      const { accessToken } = await localApi.login('throttled-stepup@example.com');
      const attempt = () => localApi.post('/auth/step-up', { password: 'wrong wrong wrong' }, accessToken);
      for (let i = 0; i < 3; i += 1) expect((await attempt()).statusCode).toBe(400);
      expect((await attempt()).statusCode).toBe(429);
    } finally {
      await local.close();
    }
  });

  it('a login challenge expires after mfa.challengeTtlSeconds', async () => {
    const { secret } = await api.enrolled('expiring@example.com');
    clock.advance(30_000);
    const { challengeId } = await api.challenge('expiring@example.com');
    clock.advance(5 * 60_000 + 1_000);
    const late = await api.verify(challengeId, 'totp', api.code(secret));
    expect(late.statusCode).toBe(401);
    expect(late.json().code).toBe('invalid_code');
  });
});

describe('login challenges across tenants and users', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 9, 0, 0));
  let server: TestServer;
  let api: ReturnType<typeof mfaClient>;
  beforeAll(async () => {
    server = await createTestServer(
      {
        tenancy: { multiTenant: true, tenants: ['acme', 'globex'] },
        passwords: { argon2: { memoryKiB: 1024, iterations: 1 } },
      },
      { clock },
    );
    await server.app.ready();
    api = mfaClient(server, clock);
  });
  afterAll(() => server.close());

  const inTenant = (tenant: string, url: string, payload: object) =>
    server.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: { 'x-tenant-id': tenant }, payload });

  it("a challenge of acme is unknown in globex, and one user's code never finishes another's challenge", async () => {
    await server.createUser('mfa@acme.example', PASSWORD, { tenant: 'acme' });
    const session = (
      await inTenant('acme', '/auth/login', { email: 'mfa@acme.example', password: PASSWORD })
    ).json();
    const setup = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/totp/setup',
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    const { fromBase32 } = await import('./totp-client.js');
    const secret = fromBase32(setup.json().secret);
    await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/totp/confirm',
      headers: { authorization: `Bearer ${session.accessToken}` },
      payload: { code: api.code(secret) },
    });
    clock.advance(30_000);
    const { challengeId } = (
      await inTenant('acme', '/auth/login', { email: 'mfa@acme.example', password: PASSWORD })
    ).json();
    const elsewhere = await inTenant('globex', '/auth/mfa/verify', {
      challengeId,
      method: 'totp',
      code: api.code(secret),
    });
    expect(elsewhere.statusCode).toBe(401);
    const home = await inTenant('acme', '/auth/mfa/verify', {
      challengeId,
      method: 'totp',
      code: api.code(secret),
    });
    expect(home.statusCode, home.body).toBe(200);
  });
});

describeWithCommand('oathtool', 'TOTP with oathtool as the authenticator', () => {
  it('enrols with the otpauth secret and signs in with codes oathtool computes', async () => {
    const server = await createTestServer({ passwords: { argon2: { memoryKiB: 1024, iterations: 1 } } });
    try {
      await server.app.ready();
      const api = mfaClient(server, { now: () => Date.now() });
      await server.createUser('oath@example.com', PASSWORD);
      const { accessToken } = await api.login('oath@example.com');
      const setup = (await api.post('/auth/mfa/totp/setup', undefined, accessToken)).json();
      expect(setup.otpauthUrl).toContain(`secret=${setup.secret}`);
      const oathtool = (offsetSeconds: number) =>
        execFileSync('oathtool', [
          '--totp',
          '-b',
          setup.secret,
          '--now',
          new Date(Date.now() + offsetSeconds * 1000)
            .toISOString()
            .replace('T', ' ')
            .replace(/\.\d+Z$/, ' UTC'),
        ])
          .toString()
          .trim();
      const confirm = await api.post('/auth/mfa/totp/confirm', { code: oathtool(-30) }, accessToken);
      expect(confirm.statusCode, confirm.body).toBe(200);
      const { challengeId } = await api.challenge('oath@example.com');
      const verified = await api.verify(challengeId, 'totp', oathtool(0));
      expect(verified.statusCode, verified.body).toBe(200);
    } finally {
      await server.close();
    }
  });
});
