/**
 * examples/nginx/gatehouse.conf run by Debian's nginx between a client and a protected app,
 * with a real Gatehouse server answering nginx's auth_request: only requests whose token
 * Gatehouse verified reach the app, with an identity the client cannot forge.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../helpers/test-gatehouse.js';
import { startEchoApp, type EchoApp } from './echo-app.js';
import { NGINX, freePort, startNginx, type RunningNginx } from './nginx.js';

const HAS_NGINX = existsSync(NGINX);
// In CI a missing nginx is a failure, never a silent skip.
const REQUIRED = process.env.CI === 'true' || process.env.CI === '1';
const suite = HAS_NGINX || REQUIRED ? describe : describe.skip;
const title = HAS_NGINX
  ? 'nginx auth_request (examples/nginx/gatehouse.conf) in front of Gatehouse'
  : `nginx auth_request — SKIPPED: ${NGINX} not found (apt-get install -y nginx)`;

const EMAIL = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';

suite(title, () => {
  let gatehouse: TestServer;
  let gatehouseUrl: string;
  let app: EchoApp;
  let nginx: RunningNginx;
  let userId: string;

  beforeAll(async () => {
    if (!HAS_NGINX) throw new Error(`CI=true needs nginx at ${NGINX} (apt-get install -y nginx)`);
    gatehouse = await createTestServer();
    await gatehouse.app.listen({ port: 0, host: '127.0.0.1' });
    const gatehousePort = (gatehouse.app.server.address() as AddressInfo).port;
    gatehouseUrl = `http://127.0.0.1:${gatehousePort}`;
    userId = await gatehouse.createUser(EMAIL, PASSWORD, { roles: ['user', 'admin'] });
    app = await startEchoApp();
    nginx = await startNginx({ gatehousePort, appPort: app.port });
  }, 60_000);

  afterAll(async () => {
    await nginx?.stop();
    await app?.close();
    await gatehouse?.close();
  });

  /** Signs in against Gatehouse itself, as a client would before calling the API. */
  async function signIn(): Promise<{ accessToken: string; sessionId: string }> {
    const response = await fetch(`${gatehouseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as { accessToken: string; sessionId: string };
  }

  function throughNginx(path: string, headers: Record<string, string> = {}, init: RequestInit = {}) {
    return fetch(`${nginx.url}${path}`, { ...init, headers });
  }

  /** The code Gatehouse itself gives for these headers, to compare nginx's answer with. */
  async function gatehouseCode(headers: Record<string, string>): Promise<string> {
    const response = await fetch(`${gatehouseUrl}/api/v1/auth/verify-token?mode=strict`, { headers });
    expect(response.status).toBe(401);
    return ((await response.json()) as { code: string }).code;
  }

  /** A 401 problem document from nginx, with the code Gatehouse gives, that the app never saw. */
  async function expectRefused(headers: Record<string, string>, code: string): Promise<void> {
    const before = app.seen.length;
    const response = await throughNginx('/api/orders', headers);
    const body = await response.text();
    expect(response.status, `${body}\n${nginx.errorLog()}`).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('www-authenticate')).toBe(
      code === 'invalid_token' ? 'Bearer error="invalid_token"' : 'Bearer',
    );
    const document = JSON.parse(body) as Record<string, unknown>;
    expect(document).toEqual({
      type: `https://gatehouse.dev/errors/${code}`,
      title: expect.any(String),
      status: 401,
      code,
      requestId: response.headers.get('x-request-id'),
    });
    expect(await gatehouseCode(headers)).toBe(code);
    expect(app.seen.length).toBe(before);
  }

  it('refuses a request without a token with a problem document', async () => {
    await expectRefused({}, 'unauthorized');
    await expectRefused({ authorization: 'Basic YWRhOnNlY3JldA==' }, 'unauthorized');
  });

  it('refuses a garbage token', async () => {
    await expectRefused({ authorization: 'Bearer not-a-token' }, 'invalid_token');
    await expectRefused({ authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' }, 'invalid_token');
  });

  it('passes a verified request to the app with the identity Gatehouse answered', async () => {
    const { accessToken, sessionId } = await signIn();
    const response = await throughNginx('/api/orders?page=2', { authorization: `Bearer ${accessToken}` });
    expect(response.status, nginx.errorLog()).toBe(200);
    expect(await response.json()).toEqual({
      path: '/api/orders?page=2',
      userId,
      roles: 'user,admin',
      sessionId,
      tenantId: null,
    });
  });

  it('checks a POST the same way and passes it on to the app', async () => {
    const { accessToken } = await signIn();
    const response = await throughNginx(
      '/api/orders',
      { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      { method: 'POST', body: JSON.stringify({ item: 'tea' }) },
    );
    expect(response.status, nginx.errorLog()).toBe(200);
    expect(app.seen.at(-1)).toMatchObject({ method: 'POST', headers: { 'x-user-id': userId } });
  });

  it('drops identity headers the client sent', async () => {
    const spoofed = {
      'x-user-id': 'someone-else',
      'x-user-roles': 'admin,root',
      'x-session-id': 'not-my-session',
      'x-tenant-id': 'default',
    };
    await expectRefused(spoofed, 'unauthorized');
    await expectRefused({ ...spoofed, authorization: 'Bearer forged' }, 'invalid_token');

    const { accessToken, sessionId } = await signIn();
    const response = await throughNginx('/api/orders', {
      ...spoofed,
      authorization: `Bearer ${accessToken}`,
    });
    expect(response.status, nginx.errorLog()).toBe(200);
    expect(await response.json()).toMatchObject({ userId, roles: 'user,admin', sessionId, tenantId: null });
    expect(app.seen.at(-1)?.headers).not.toHaveProperty('x-tenant-id');
  });

  it('refuses the token of a logged-out session at once (strict mode)', async () => {
    const { accessToken } = await signIn();
    const bearer = { authorization: `Bearer ${accessToken}` };
    expect((await throughNginx('/api/orders', bearer)).status).toBe(200);
    const logout = await fetch(`${gatehouseUrl}/api/v1/auth/logout`, { method: 'POST', headers: bearer });
    expect(logout.status).toBe(204);
    await expectRefused(bearer, 'invalid_token');
  });

  it('lets only requests with a verified identity reach the app', () => {
    expect(app.seen.length).toBeGreaterThan(0);
    for (const request of app.seen) {
      expect(request.headers['x-user-id']).toBe(userId);
      expect(request.headers['x-user-roles']).toBe('user,admin');
    }
  });

  it('fails closed with 503 when Gatehouse cannot be reached', async () => {
    const unreachable = await startNginx({ gatehousePort: await freePort(), appPort: app.port });
    try {
      const before = app.seen.length;
      const { accessToken } = await signIn();
      const response = await fetch(`${unreachable.url}/api/orders`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(response.status, unreachable.errorLog()).toBe(503);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.json()).toMatchObject({ status: 503, code: 'unavailable' });
      expect(app.seen.length).toBe(before);
    } finally {
      await unreachable.stop();
    }
  });
});
