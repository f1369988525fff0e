/**
 * Tenant isolation (API.md "Tenancy"): one email in two tenants is two accounts; a request's
 * tenant comes from `x-tenant-id` or the token it presents; a token of one tenant never works
 * in another; a tenant's admin sees nothing of other tenants and cannot rotate the shared keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHEAP_ARGON2,
  PASSWORD,
  decodeJwt,
  expectProblem,
  openSecurityServer,
  type RequestOptions,
  type SecurityServer,
  type TokenPair,
} from './harness.js';
import { storesOf } from '../helpers/stores.js';

const ACME = { headers: { 'x-tenant-id': 'acme' } } satisfies RequestOptions;
const GLOBEX = { headers: { 'x-tenant-id': 'globex' } } satisfies RequestOptions;
const GLOBEX_PASSWORD = 'globex has its own secret';

describe('multi-tenant isolation', () => {
  let server: SecurityServer;
  let acme: TokenPair;
  let globex: TokenPair;
  let acmeAdmin: TokenPair;

  beforeAll(async () => {
    server = await openSecurityServer({
      passwords: CHEAP_ARGON2,
      server: { trustedProxies: ['loopback'] },
      tenancy: { multiTenant: true, tenants: ['acme', 'globex'] },
    });
    await server.createUser('same@example.com', PASSWORD, { tenant: 'acme' });
    await server.createUser('same@example.com', GLOBEX_PASSWORD, { tenant: 'globex' });
    await server.createUser('boss@acme.example', PASSWORD, { tenant: 'acme', roles: ['user', 'admin'] });
    acme = await server.login('same@example.com', PASSWORD, ACME);
    globex = await server.login('same@example.com', GLOBEX_PASSWORD, GLOBEX);
    acmeAdmin = await server.login('boss@acme.example', PASSWORD, ACME);
  });
  afterAll(() => server.close());

  it('one email, two tenants, two accounts: each password works only in its own tenant', async () => {
    expect(acme.user.id).not.toBe(globex.user.id);
    expectProblem(
      await server.post('/auth/login', { email: 'same@example.com', password: GLOBEX_PASSWORD }, ACME),
      401,
      'invalid_credentials',
    );
    expectProblem(
      await server.post('/auth/login', { email: 'same@example.com', password: PASSWORD }, GLOBEX),
      401,
      'invalid_credentials',
    );
    for (const tenant of [ACME, GLOBEX]) {
      const registered = await server.post(
        '/auth/register',
        { email: 'fresh@example.com', password: PASSWORD },
        tenant,
      );
      expect(registered.statusCode).toBe(202);
    }
    const acmeFresh = await storesOf(server.engine).users.findByEmail('acme', 'fresh@example.com');
    const globexFresh = await storesOf(server.engine).users.findByEmail('globex', 'fresh@example.com');
    expect(acmeFresh?.id).toBeDefined();
    expect(globexFresh?.id).toBeDefined();
    expect(acmeFresh?.id).not.toBe(globexFresh?.id);
  });

  it('login and register need a known tenant: missing or unknown x-tenant-id is 400 unknown_tenant', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { 'x-tenant-id': 'initech' },
      { 'x-tenant-id': 'ACME' },
      { 'x-tenant-id': '' },
      { 'x-tenant-id': 'acme ' },
    ]) {
      expectProblem(
        await server.post('/auth/login', { email: 'same@example.com', password: PASSWORD }, { headers }),
        400,
        'unknown_tenant',
      );
      expectProblem(
        await server.post('/auth/register', { email: 'x@example.com', password: PASSWORD }, { headers }),
        400,
        'unknown_tenant',
      );
    }
  });

  it('tokens carry their tenant as tid (and gateways get it as x-tenant-id)', async () => {
    expect(decodeJwt(acme.accessToken).payload.tid).toBe('acme');
    expect(decodeJwt(globex.accessToken).payload.tid).toBe('globex');
    const checked = await server.get('/auth/verify-token', { token: acme.accessToken });
    expect(checked.statusCode).toBe(204);
    expect(checked.headers['x-tenant-id']).toBe('acme');
  });

  it('an acme token sent with x-tenant-id: globex is 401 everywhere, and does nothing', async () => {
    const asGlobex = { token: acme.accessToken, ...GLOBEX };
    for (const url of [
      '/auth/me',
      '/sessions',
      '/auth/verify-token?mode=jwt',
      '/auth/verify-token?mode=hybrid',
      '/auth/verify-token?mode=strict',
    ]) {
      expectProblem(await server.get(url, asGlobex), 401, 'invalid_token');
    }
    expectProblem(await server.post('/auth/logout', {}, asGlobex), 401, 'invalid_token');
    expectProblem(await server.post('/auth/logout-all', undefined, asGlobex), 401, 'invalid_token');
    expectProblem(await server.call('DELETE', `/sessions/${acme.sessionId}`, asGlobex), 401, 'invalid_token');
    expectProblem(
      await server.call('PUT', `/admin/users/${globex.user.id}/disable`, {
        token: acmeAdmin.accessToken,
        ...GLOBEX,
      }),
      401,
      'invalid_token',
    );
    // Nothing of the above ended the acme session; with its own tenant (or none named) it works.
    expect((await server.get('/auth/me', { token: acme.accessToken, ...ACME })).statusCode).toBe(200);
    expect((await server.get('/auth/me', { token: acme.accessToken })).json().user.id).toBe(acme.user.id);
  });

  it("a session of another tenant's user cannot be revoked: 404", async () => {
    const response = await server.call('DELETE', `/sessions/${globex.sessionId}`, {
      token: acme.accessToken,
    });
    expectProblem(response, 404, 'not_found');
    expect((await server.get('/auth/me', { token: globex.accessToken })).statusCode).toBe(200);
  });

  it('refresh and revoke need no header: the refresh token carries its tenant', async () => {
    const pair = await server.login('same@example.com', GLOBEX_PASSWORD, GLOBEX);
    const refreshed = await server.post('/auth/refresh', { refreshToken: pair.refreshToken });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    const next = refreshed.json() as TokenPair;
    expect(decodeJwt(next.accessToken).payload.tid).toBe('globex');
    // Named as another tenant, it is refused like a wrong-tenant access token (and not spent).
    expectProblem(
      await server.post('/auth/refresh', { refreshToken: next.refreshToken }, ACME),
      401,
      'invalid_refresh_token',
    );
    const again = await server.post('/auth/refresh', { refreshToken: next.refreshToken }, GLOBEX);
    expect(again.statusCode, again.body).toBe(200);
    const revoked = await server.post('/auth/revoke', {
      refreshToken: (again.json() as TokenPair).refreshToken,
    });
    expect(revoked.statusCode, revoked.body).toBe(204);
    expectProblem(await server.get('/auth/me', { token: next.accessToken }), 401, 'invalid_token');
  });

  it("acme's admin cannot read or change a globex user: 404, and the user is untouched", async () => {
    const admin = (url: string, payload?: object) =>
      server.call('PUT', url, { token: acmeAdmin.accessToken, ...(payload ? { payload } : {}) });
    for (const [url, payload] of [
      [`/admin/users/${globex.user.id}/roles`, { roles: ['user', 'admin'] }],
      [`/admin/users/${globex.user.id}/disable`, undefined],
      [`/admin/users/${globex.user.id}/enable`, undefined],
      [`/admin/users/${globex.user.id}/unlock`, undefined],
    ] as const) {
      expectProblem(await admin(url, payload), 404, 'not_found');
    }
    const user = await storesOf(server.engine).users.findById('globex', globex.user.id);
    expect(user).toMatchObject({ roles: ['user'], status: 'active', roleVersion: 1, accountVersion: 1 });
    expect((await server.get('/auth/me', { token: globex.accessToken })).statusCode).toBe(200);
    // Control: the same call on an acme user works, so the 404s above are the tenant wall.
    expect((await admin(`/admin/users/${acme.user.id}/unlock`)).statusCode).toBe(200);
  });

  it('the 100-failures-per-IP limit spans tenants (spraying across tenants earns no extra guesses)', async () => {
    const from = { 'x-forwarded-for': '203.0.113.200' };
    for (let i = 0; i < 100; i++) {
      const tenant = i % 2 ? 'acme' : 'globex';
      const headers = { ...from, 'x-tenant-id': tenant };
      const answer = await server.post(
        '/auth/login',
        { email: `spray${i}@example.com`, password: 'nope-nope' },
        { headers },
      );
      expectProblem(answer, 401, 'invalid_credentials');
    }
    for (const tenant of ['acme', 'globex', 'default']) {
      const headers = { ...from, 'x-tenant-id': tenant };
      const answer = await server.post(
        '/auth/login',
        { email: 'same@example.com', password: PASSWORD },
        { headers },
      );
      expectProblem(answer, 429, 'rate_limited');
    }
  });

  it('the system admin (default tenant) acts on the tenant it names; a tenant admin cannot switch', async () => {
    await server.createUser('root@example.com', PASSWORD, { roles: ['user', 'admin'] });
    const root = await server.login('root@example.com', PASSWORD, { headers: { 'x-tenant-id': 'default' } });
    const target = await server.createUser('promote@example.com', PASSWORD, { tenant: 'globex' });
    const put = (token: string, headers: Record<string, string>) =>
      server.call('PUT', `/admin/users/${target}/roles`, {
        token,
        headers,
        payload: { roles: ['user', 'admin'] },
      });
    // Without a header the system admin acts on the default tenant, where the user is not.
    expectProblem(
      await server.call('PUT', `/admin/users/${target}/roles`, {
        token: root.accessToken,
        payload: { roles: ['user'] },
      }),
      404,
      'not_found',
    );
    expectProblem(await put(root.accessToken, { 'x-tenant-id': 'nowhere' }), 400, 'unknown_tenant');
    expectProblem(await put(acmeAdmin.accessToken, { 'x-tenant-id': 'globex' }), 401, 'invalid_token');
    const promoted = await put(root.accessToken, { 'x-tenant-id': 'globex' });
    expect(promoted.statusCode).toBe(200);
    expect((await storesOf(server.engine).users.findById('globex', target))?.roles).toEqual([
      'user',
      'admin',
    ]);
    // A non-admin of the default tenant gets no such power.
    await server.createUser('plain@example.com', PASSWORD);
    const plain = await server.login('plain@example.com', PASSWORD, {
      headers: { 'x-tenant-id': 'default' },
    });
    expectProblem(await put(plain.accessToken, { 'x-tenant-id': 'globex' }), 401, 'invalid_token');
  });

  it("a tenant's admin cannot rotate the signing keys every tenant shares: 403", async () => {
    const before = server.gatehouse.keyring.current().kid;
    expectProblem(
      await server.post('/admin/keys/rotate', {}, { token: acmeAdmin.accessToken }),
      403,
      'forbidden',
    );
    expectProblem(await server.post('/admin/keys/rotate', {}, { token: acme.accessToken }), 403, 'forbidden');
    expect(server.gatehouse.keyring.current().kid).toBe(before);
  });
});

describe('single tenant: x-tenant-id is ignored', () => {
  let server: SecurityServer;
  beforeAll(async () => {
    server = await openSecurityServer({ passwords: CHEAP_ARGON2 });
    await server.createUser('solo@example.com');
  });
  afterAll(() => server.close());

  it('login, me and refresh work whatever the header says, and tokens carry no tid', async () => {
    const pair = await server.login('solo@example.com', PASSWORD, { headers: { 'x-tenant-id': 'initech' } });
    expect(decodeJwt(pair.accessToken).payload).not.toHaveProperty('tid');
    expect((await server.get('/auth/me', { token: pair.accessToken, ...GLOBEX })).statusCode).toBe(200);
    const verified = await server.get('/auth/verify-token', { token: pair.accessToken, ...ACME });
    expect(verified.statusCode).toBe(204);
    expect(verified.headers['x-tenant-id']).toBeUndefined();
    expect((await server.post('/auth/refresh', { refreshToken: pair.refreshToken }, ACME)).statusCode).toBe(
      200,
    );
  });
});
