/**
 * Security rules live in the engine, not in the HTTP layer (docs/architecture.md "Rules that
 * live in core"): an application embedding the engine gets the step-up rule without any
 * route guard, and every administrator's change is audited with the admin who made it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestContext, ManualClock, type AuditEvent, type SignedIn } from '@gatehouse/core';
import { createTestServer, type TestServer } from '../helpers/test-gatehouse.js';
import { storesOf } from '../helpers/stores.js';

const PASSWORD = 'a sturdy passphrase 42';
const ctx = createRequestContext({
  ip: '203.0.113.9',
  userAgent: 'embedder',
  requestId: 'r-1',
  tenant: 'default',
});

/** A password sign-in over HTTP: the tokens of a real session. */
async function signIn(server: TestServer, email: string) {
  const login = await server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password: PASSWORD },
    headers: { 'user-agent': 'vitest' },
  });
  expect(login.statusCode, login.body).toBe(200);
  return login.json() as { accessToken: string; sessionId: string };
}

describe('step-up is checked by the engine itself', () => {
  let server: TestServer;
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  let who: SignedIn;

  beforeAll(async () => {
    server = await createTestServer({}, { clock });
    const userId = await server.createUser('embedded@example.com', PASSWORD);
    who = { userId, sessionId: (await signIn(server, 'embedded@example.com')).sessionId };
  });
  afterAll(() => server.close());

  const nowSeconds = () => Math.floor(clock.now() / 1000);
  const maxAge = () => server.gatehouse.config.mfa.stepUpMaxAgeSeconds;

  /** Every flow that changes a factor, an identity, the address or deletes the account. */
  const guarded = (caller: SignedIn) => ({
    'mfa.setupTotp': () => server.engine.mfa.setupTotp(caller, ctx),
    'mfa.confirmTotp': () => server.engine.mfa.confirmTotp(caller, '123456', ctx),
    'mfa.disableFactor': () =>
      server.engine.mfa.disableFactor(caller, { method: 'totp', code: '123456' }, ctx),
    'mfa.regenerateBackupCodes': () => server.engine.mfa.regenerateBackupCodes(caller, '123456', ctx),
    'mfa.setupSms': () => server.engine.mfa.setupSms(caller, '+15005550006', ctx),
    'mfa.confirmSms': () => server.engine.mfa.confirmSms(caller, '123456', ctx),
    'passkeys.registrationOptions': () => server.engine.passkeys.registrationOptions(caller, ctx),
    'passkeys.remove': () => server.engine.passkeys.remove(caller, 'no-such-passkey', ctx),
    'oauth.unlink': () => server.engine.oauth.unlink(caller, '00000000-0000-4000-8000-000000000001', ctx),
    'account.requestEmailChange': () =>
      server.engine.account.requestEmailChange(caller, 'new@example.com', ctx),
    'account.confirmEmailChange': () => server.engine.account.confirmEmailChange(caller, '123456', ctx),
    'account.deleteAccount': () => server.engine.account.deleteAccount(caller, PASSWORD, ctx),
  });

  it('refuses a caller that does not say when it signed in (fails closed)', async () => {
    for (const [flow, run] of Object.entries(guarded(who))) {
      expect(await run(), flow).toMatchObject({ ok: false, code: 'step_up_required' });
    }
  });

  it('refuses a sign-in older than mfa.stepUpMaxAgeSeconds, and nothing changed', async () => {
    const stale = { ...who, authTime: nowSeconds() - maxAge() - 1 };
    for (const [flow, run] of Object.entries(guarded(stale))) {
      expect(await run(), flow).toMatchObject({ ok: false, code: 'step_up_required' });
    }
    const user = await storesOf(server.engine).users.findById('default', who.userId);
    expect(user?.status).toBe('active');
    expect(await server.engine.mfa.enrolledMethods(who.userId)).toEqual([]);
  });

  it('lets a recent sign-in through to the flow itself', async () => {
    const fresh = { ...who, authTime: nowSeconds() - maxAge() };
    const setup = await server.engine.mfa.setupTotp(fresh, ctx);
    expect(setup).toMatchObject({ ok: true });
  });
});

describe('admin changes are audited with the acting admin', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
  });
  afterAll(() => server.close());

  const call = (method: string, url: string, token: string, payload?: object) =>
    server.app.inject({
      method: method as 'PUT',
      url: `/api/v1${url}`,
      ...(payload ? { payload } : {}),
      headers: { authorization: `Bearer ${token}`, 'user-agent': 'vitest' },
    });

  it('names the admin in every event of an admin change, never the user changed', async () => {
    const adminId = await server.createUser('boss@example.com', PASSWORD, { roles: ['user', 'admin'] });
    const userId = await server.createUser('worker@example.com', PASSWORD);
    const { accessToken } = await signIn(server, 'boss@example.com');
    const changes: [string, string, object?][] = [
      ['PUT', `/admin/users/${userId}/lock`],
      ['PUT', `/admin/users/${userId}/unlock`],
      ['PUT', `/admin/users/${userId}/disable`],
      ['PUT', `/admin/users/${userId}/enable`],
      ['PUT', `/admin/users/${userId}/roles`, { roles: ['user'] }],
      ['DELETE', `/admin/users/${userId}/sessions`],
      ['DELETE', `/admin/users/${userId}/mfa`],
    ];
    for (const [method, url, payload] of changes) {
      const response = await call(method, url, accessToken, payload);
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
    }
    expect((await call('POST', '/admin/tenants', accessToken, { id: 'acme' })).statusCode).toBe(201);
    await server.engine.audit.flush();
    const adminEvents = server.auditEvents.events.filter(
      (event: AuditEvent) =>
        event.requestId !== undefined &&
        [
          'user.locked',
          'user.unlocked',
          'user.disabled',
          'user.enabled',
          'user.roles_changed',
          'sessions.revoked_all',
          'mfa.reset_by_admin',
        ].includes(event.type) &&
        event.userId === userId,
    );
    expect(new Set(adminEvents.map((event) => event.type)).size).toBe(7);
    for (const event of adminEvents) expect(event.data?.actor, event.type).toBe(adminId);
    const tenantCreated = server.auditEvents.events.find(
      (event: AuditEvent) => event.type === 'tenant.created',
    );
    expect(tenantCreated).toMatchObject({ tenant: 'acme', userId: adminId });
  });
});
