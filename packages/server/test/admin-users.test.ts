/**
 * The admin users area of API.md "Admin": listing (keyset pages, literal search), one
 * account with its lockout state, lock/unlock/disable/enable (each ends the sessions it
 * must) and "end every session", within one tenant only.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from './helpers/test-gatehouse.js';
import { storesOf } from './helpers/stores.js';

const PASSWORD = 'a sturdy passphrase 42';
const CHEAP = { argon2: { memoryKiB: 8, iterations: 1, parallelism: 1 } } as const;
const USER_KEYS = ['createdAt', 'email', 'emailVerified', 'id', 'mfaEnabled', 'name', 'roles', 'status'];

interface Pair {
  accessToken: string;
  refreshToken: string;
  user: { id: string };
}
interface PublicUser {
  id: string;
  email: string;
  name: string | null;
  status: string;
  createdAt: string;
}
interface Page {
  items: PublicUser[];
  nextCursor: string | null;
}

/** Request helpers bound to one server (and, with tenancy on, one tenant header). */
function client(server: TestServer, tenant?: string) {
  const call = (method: string, url: string, token?: string, payload?: object) =>
    server.app.inject({
      method: method as 'GET',
      url: `/api/v1${url}`,
      ...(payload ? { payload } : {}),
      headers: {
        'user-agent': 'vitest',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(tenant ? { 'x-tenant-id': tenant } : {}),
      },
    });
  const attempt = (email: string, password = PASSWORD) =>
    call('POST', '/auth/login', undefined, { email, password });
  return {
    call,
    attempt,
    async login(email: string, password = PASSWORD): Promise<Pair> {
      const response = await attempt(email, password);
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as Pair;
    },
  };
}

function expectProblem(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = response.json() as { code: string; errors?: { path: string; message: string }[] };
  expect(body.code).toBe(code);
  return body;
}

describe('admin users (single tenant)', () => {
  let server: TestServer;
  let http: ReturnType<typeof client>;
  let admin: Pair;
  const as = (method: string, url: string, payload?: object) =>
    http.call(method, `/admin${url}`, admin.accessToken, payload);
  const list = async (query: string) => {
    const response = await as('GET', `/users?${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as Page;
  };
  const stillSignedIn = async (pair: Pair) => ({
    me: (await http.call('GET', '/auth/me', pair.accessToken)).statusCode,
    refresh: (await http.call('POST', '/auth/refresh', undefined, { refreshToken: pair.refreshToken }))
      .statusCode,
  });

  beforeAll(async () => {
    server = await createTestServer({ passwords: CHEAP, rateLimits: { login: { lockoutThreshold: 3 } } });
    await server.app.ready();
    http = client(server);
    await server.createUser('admin@example.com', PASSWORD, { roles: ['user', 'admin'] });
    admin = await http.login('admin@example.com');
  });
  afterAll(() => server.close());

  it('pages through the accounts newest first with an opaque cursor, each exactly once', async () => {
    for (let i = 0; i < 25; i++) {
      await storesOf(server.engine).users.create({ tenant: 'default', email: `page${i}@pages.example` });
    }
    const seen: PublicUser[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(`q=pages.example&limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      sizes.push(page.items.length);
      seen.push(...page.items);
      cursor = page.nextCursor;
      if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    } while (cursor);
    expect(sizes).toEqual([10, 10, 5]);
    expect(new Set(seen.map((user) => user.id)).size).toBe(25);
    const order = [...seen].sort(
      (a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id),
    );
    expect(seen.map((user) => user.id)).toEqual(order.map((user) => user.id));
    for (const user of seen) expect(Object.keys(user).sort()).toEqual(USER_KEYS);
    // Default page size 20.
    const first = await list('q=pages.example');
    expect(first.items).toHaveLength(20);
    expect(first.nextCursor).not.toBeNull();
  });

  it('searches email and name case-insensitively, with % _ and \\ taken literally', async () => {
    const create = (email: string, name: string) =>
      storesOf(server.engine).users.create({ tenant: 'default', email, name });
    await create('under_score@search.example', 'Plain');
    await create('underXscore@search.example', 'Plain');
    await create('percent@search.example', 'Full 100% Sure');
    await create('back@search.example', 'Back\\slash');
    const emails = async (q: string) =>
      (await list(`q=${encodeURIComponent(q)}`)).items.map((user) => user.email).sort();
    expect(await emails('_score')).toEqual(['under_score@search.example']);
    expect(await emails('UNDER_')).toEqual(['under_score@search.example']);
    expect(await emails('%')).toEqual(['percent@search.example']);
    expect(await emails('100% sure')).toEqual(['percent@search.example']);
    expect(await emails('k\\s')).toEqual(['back@search.example']);
    expect(await emails('SEARCH.example')).toHaveLength(4);
    expect(await emails('no such thing')).toEqual([]);
    expectProblem(await as('GET', '/users?q=a%00b'), 400, 'validation_error');
  });

  it('refuses a bad limit or a cursor it did not make with 400 validation_error', async () => {
    for (const limit of ['0', '101', '-1', '2.5', 'ten', '1e2', '1&limit=2']) {
      const body = expectProblem(await as('GET', `/users?limit=${limit}`), 400, 'validation_error');
      expect(body.errors?.[0]?.path).toBe('limit');
    }
    expect((await list('limit=100')).items.length).toBeGreaterThan(0);
    expect((await list('limit=1')).items).toHaveLength(1);
    // Empty parameters are absent ones: the first page, 20 long.
    expect((await list('cursor=&limit=&q=')).items).toHaveLength(20);
    const forged = (text: string) => Buffer.from(text).toString('base64url');
    for (const cursor of [
      'garbage',
      '%%%',
      forged('x~y'),
      forged(`2024-02-31T00:00:00.000000Z~${crypto.randomUUID()}`),
      forged(`2024-01-01T00:00:00.000000Z~not-a-uuid-not-a-uuid-not-a-uuid-12`),
      'A'.repeat(500),
    ]) {
      const body = expectProblem(
        await as('GET', `/users?cursor=${encodeURIComponent(cursor)}`),
        400,
        'validation_error',
      );
      expect(body.errors).toEqual([{ path: 'cursor', message: 'The cursor is malformed' }]);
    }
    // A well-formed position past the end is simply an empty last page.
    const end = await list(`cursor=${forged(`1970-01-01T00:00:00.000000Z~${crypto.randomUUID()}`)}`);
    expect(end).toEqual({ items: [], nextCursor: null });
  });

  it('shows one account with its lockout state; 400 for a non-UUID, 404 for an unknown id', async () => {
    const id = await server.createUser('one@example.com', PASSWORD);
    const response = await as('GET', `/users/${id}`);
    expect(response.statusCode).toBe(200);
    const body = response.json() as { user: PublicUser; lockedOut: boolean };
    expect(Object.keys(body).sort()).toEqual([
      'lockedOut',
      'lockedUntil',
      'throttled',
      'throttledUntil',
      'user',
    ]);
    expect(Object.keys(body.user).sort()).toEqual(USER_KEYS);
    expect(body).toMatchObject({
      user: { id, email: 'one@example.com', status: 'active' },
      lockedOut: false,
      lockedUntil: null,
      throttled: false,
      throttledUntil: null,
    });
    expectProblem(await as('GET', '/users/not-a-uuid'), 400, 'validation_error');
    expectProblem(await as('GET', `/users/${crypto.randomUUID()}`), 404, 'not_found');
    for (const action of ['lock', 'unlock', 'disable', 'enable']) {
      expectProblem(await as('PUT', `/users/${crypto.randomUUID()}/${action}`), 404, 'not_found');
      expectProblem(await as('PUT', `/users/nope/${action}`), 400, 'validation_error');
    }
    expectProblem(await as('DELETE', `/users/${crypto.randomUUID()}/sessions`), 404, 'not_found');
  });

  it('lock ends every session and answers 423 to the right password; unlock restores sign-in', async () => {
    const id = await server.createUser('locked@example.com', PASSWORD);
    const before = await storesOf(server.engine).users.findById('default', id);
    const pair = await http.login('locked@example.com');
    const locked = await as('PUT', `/users/${id}/lock`);
    expect(locked.statusCode, locked.body).toBe(200);
    expect(locked.json()).toMatchObject({ user: { id, status: 'locked' } });
    expect((await storesOf(server.engine).users.findById('default', id))?.accountVersion).toBe(
      before!.accountVersion + 1,
    );
    expect(await stillSignedIn(pair)).toEqual({ me: 401, refresh: 401 });
    expectProblem(await http.attempt('locked@example.com', 'not the password'), 401, 'invalid_credentials');
    // Another engineer's sign-in change makes 'locked' answer 423 once the password checked out.
    expectProblem(await http.attempt('locked@example.com'), 423, 'account_locked');
    // Locking again changes nothing; enable does not lift a lock.
    expect((await as('PUT', `/users/${id}/lock`)).json()).toMatchObject({ user: { status: 'locked' } });
    expect((await as('PUT', `/users/${id}/enable`)).json()).toMatchObject({ user: { status: 'locked' } });
    expect((await storesOf(server.engine).users.findById('default', id))?.accountVersion).toBe(
      before!.accountVersion + 1,
    );
    const unlocked = await as('PUT', `/users/${id}/unlock`);
    expect(unlocked.json()).toMatchObject({ user: { id, status: 'active' } });
    await http.login('locked@example.com');
  });

  it('disable ends every session and refuses sign-in with 403; enable restores it', async () => {
    const id = await server.createUser('disabled@example.com', PASSWORD);
    const pair = await http.login('disabled@example.com');
    const disabled = await as('PUT', `/users/${id}/disable`);
    expect(disabled.json()).toMatchObject({ user: { id, status: 'disabled' } });
    expect(await stillSignedIn(pair)).toEqual({ me: 401, refresh: 401 });
    expectProblem(await http.attempt('disabled@example.com'), 403, 'account_disabled');
    // Unlock does not lift a disable.
    expect((await as('PUT', `/users/${id}/unlock`)).json()).toMatchObject({ user: { status: 'disabled' } });
    const enabled = await as('PUT', `/users/${id}/enable`);
    expect(enabled.json()).toMatchObject({ user: { id, status: 'active' } });
    const fresh = await http.login('disabled@example.com');
    expect(await stillSignedIn(fresh)).toEqual({ me: 200, refresh: 200 });
  });

  it("unlock lifts the login throttle's lockout, which GET shows as lockedOut", async () => {
    const id = await server.createUser('throttled@example.com', PASSWORD);
    for (let i = 0; i < 3; i++) {
      expectProblem(
        await http.attempt('throttled@example.com', `wrong guess ${i}`),
        401,
        'invalid_credentials',
      );
    }
    expectProblem(await http.attempt('throttled@example.com'), 423, 'account_locked');
    expect((await as('GET', `/users/${id}`)).json()).toMatchObject({
      user: { status: 'active' },
      lockedOut: true,
    });
    const unlocked = await as('PUT', `/users/${id}/unlock`);
    expect(unlocked.json()).toMatchObject({ user: { id, status: 'active' } });
    expect((await as('GET', `/users/${id}`)).json()).toMatchObject({ lockedOut: false });
    await http.login('throttled@example.com');
  });

  it('DELETE /users/:id/sessions ends every session of the user: 204', async () => {
    const id = await server.createUser('everywhere@example.com', PASSWORD);
    const first = await http.login('everywhere@example.com');
    const second = await http.login('everywhere@example.com');
    const response = await as('DELETE', `/users/${id}/sessions`);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(await stillSignedIn(first)).toEqual({ me: 401, refresh: 401 });
    expect(await stillSignedIn(second)).toEqual({ me: 401, refresh: 401 });
    expect(await server.engine.sessions.listSessions('default', id)).toEqual([]);
    // The account itself is untouched.
    await http.login('everywhere@example.com');
  });

  it('a deleted account is gone: 404 everywhere and absent from the list', async () => {
    const id = await server.createUser('gone@example.com', PASSWORD);
    await storesOf(server.engine).users.setStatus('default', id, 'deleted');
    expectProblem(await as('GET', `/users/${id}`), 404, 'not_found');
    for (const action of ['lock', 'unlock', 'disable', 'enable']) {
      expectProblem(await as('PUT', `/users/${id}/${action}`), 404, 'not_found');
    }
    expectProblem(await as('PUT', `/users/${id}/roles`, { roles: ['user', 'admin'] }), 404, 'not_found');
    expectProblem(await as('DELETE', `/users/${id}/sessions`), 404, 'not_found');
    expect((await list('q=gone@')).items).toEqual([]);
    expect(await storesOf(server.engine).users.findById('default', id)).toMatchObject({
      status: 'deleted',
      roles: ['user'],
    });
  });

  it('is for admins only: 401 without a token, 403 for a user', async () => {
    const id = await server.createUser('plain@example.com', PASSWORD);
    const plain = await http.login('plain@example.com');
    expectProblem(await http.call('GET', '/admin/users'), 401, 'unauthorized');
    for (const [method, url] of [
      ['GET', '/admin/users'],
      ['GET', `/admin/users/${id}`],
      ['PUT', `/admin/users/${id}/lock`],
      ['PUT', `/admin/users/${id}/disable`],
      ['DELETE', `/admin/users/${id}/sessions`],
    ] as const) {
      expectProblem(await http.call(method, url, plain.accessToken), 403, 'forbidden');
    }
    expect((await storesOf(server.engine).users.findById('default', id))?.status).toBe('active');
  });

  it('audits each change with the request id and ip', async () => {
    const id = await server.createUser('audited@example.com', PASSWORD);
    const requestIds: string[] = [];
    for (const action of ['lock', 'unlock', 'disable', 'enable']) {
      const response = await as('PUT', `/users/${id}/${action}`);
      requestIds.push(String(response.headers['x-request-id']));
    }
    const revoked = await as('DELETE', `/users/${id}/sessions`);
    await server.engine.audit.flush();
    const events = server.auditEvents.events.filter((event) => event.userId === id);
    const types = ['user.locked', 'user.unlocked', 'user.disabled', 'user.enabled'];
    types.forEach((type, i) => {
      expect(events.find((event) => event.type === type)).toMatchObject({
        tenant: 'default',
        requestId: requestIds[i],
        ip: '127.0.0.1',
      });
    });
    expect(
      events.find(
        (event) =>
          event.type === 'sessions.revoked_all' && event.requestId === revoked.headers['x-request-id'],
      ),
    ).toMatchObject({ reason: 'admin' });
    // No-ops are not changes: enabling an active account records nothing.
    const count = events.length;
    await as('PUT', `/users/${id}/enable`);
    await server.engine.audit.flush();
    expect(server.auditEvents.events.filter((event) => event.userId === id)).toHaveLength(count);
  });
});

describe('admin users across tenants', () => {
  let server: TestServer;
  let acmeAdmin: Pair;
  let root: Pair;
  let globexUser: string;
  let globexPair: Pair;

  beforeAll(async () => {
    server = await createTestServer({
      passwords: CHEAP,
      tenancy: { multiTenant: true, tenants: ['acme', 'globex'] },
    });
    await server.app.ready();
    await server.createUser('boss@acme.example', PASSWORD, { tenant: 'acme', roles: ['user', 'admin'] });
    await server.createUser('worker@acme.example', PASSWORD, { tenant: 'acme' });
    await server.createUser('root@example.com', PASSWORD, { roles: ['user', 'admin'] });
    globexUser = await server.createUser('worker@globex.example', PASSWORD, { tenant: 'globex' });
    acmeAdmin = await client(server, 'acme').login('boss@acme.example');
    root = await client(server, 'default').login('root@example.com');
    globexPair = await client(server, 'globex').login('worker@globex.example');
  });
  afterAll(() => server.close());

  it("a tenant admin lists only its tenant and gets 404 for another tenant's user", async () => {
    const acme = client(server);
    const listed = (await acme.call('GET', '/admin/users', acmeAdmin.accessToken)).json() as Page;
    expect(listed.items.map((user) => user.email).sort()).toEqual([
      'boss@acme.example',
      'worker@acme.example',
    ]);
    expectProblem(
      await acme.call('GET', `/admin/users/${globexUser}`, acmeAdmin.accessToken),
      404,
      'not_found',
    );
    for (const action of ['lock', 'disable', 'unlock', 'enable']) {
      expectProblem(
        await acme.call('PUT', `/admin/users/${globexUser}/${action}`, acmeAdmin.accessToken),
        404,
        'not_found',
      );
    }
    expectProblem(
      await acme.call('DELETE', `/admin/users/${globexUser}/sessions`, acmeAdmin.accessToken),
      404,
      'not_found',
    );
    expect((await storesOf(server.engine).users.findById('globex', globexUser))?.status).toBe('active');
    expect((await client(server).call('GET', '/auth/me', globexPair.accessToken)).statusCode).toBe(200);
    // Naming the other tenant does not help a tenant admin.
    expectProblem(
      await client(server, 'globex').call('GET', '/admin/users', acmeAdmin.accessToken),
      401,
      'invalid_token',
    );
  });

  it('the system admin acts on the tenant named in x-tenant-id', async () => {
    const globex = client(server, 'globex');
    const listed = (await globex.call('GET', '/admin/users', root.accessToken)).json() as Page;
    expect(listed.items.map((user) => user.email)).toEqual(['worker@globex.example']);
    const view = await globex.call('GET', `/admin/users/${globexUser}`, root.accessToken);
    expect(view.json()).toMatchObject({ user: { id: globexUser }, lockedOut: false });
    // Without the header it acts on the default tenant, where that user is not.
    expectProblem(
      await client(server).call('GET', `/admin/users/${globexUser}`, root.accessToken),
      404,
      'not_found',
    );
    expect((await globex.call('PUT', `/admin/users/${globexUser}/lock`, root.accessToken)).statusCode).toBe(
      200,
    );
    expect((await client(server).call('GET', '/auth/me', globexPair.accessToken)).statusCode).toBe(401);
  });
});
