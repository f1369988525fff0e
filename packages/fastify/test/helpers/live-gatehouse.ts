/**
 * A real Gatehouse server listening on a loopback port, for the middleware packages' tests:
 * the same engine and app as production on embedded backends, its time on a ManualClock the
 * verifier under test shares, signed into over HTTP like any client would.
 */
import { createServer } from 'node:net';
import { ManualClock, createRequestContext } from '@gatehouse/core';
import { createTestServer, type TestServer } from '../../../server/test/helpers/test-gatehouse.js';

export const PASSWORD = 'a sturdy passphrase 42';

export interface LiveGatehouse {
  /** The server's public URL, which is also its tokens' issuer. */
  url: string;
  clock: ManualClock;
  server: TestServer;
  /** Creates a verified user (in `tenant` on a multi-tenant server) and signs in: its access token. */
  signUpAndIn(email: string, options?: { roles?: string[]; tenant?: string }): Promise<string>;
  signIn(email: string, tenant?: string): Promise<string>;
  logout(accessToken: string): Promise<void>;
  /** Promotes the next signing key, aging it first as a rotation requires. */
  rotateKeys(): Promise<string>;
  /** Stops the server (idempotent): its JWKS and verify-token are unreachable from then on. */
  close(): Promise<void>;
}

export interface LiveGatehouseOptions {
  /** On: tenants `acme` and `globex`; tokens carry `tid`. */
  multiTenant?: boolean;
}

/** The tenant a test user lives in. */
export const tenantOf = (options: LiveGatehouseOptions) => (options.multiTenant ? 'acme' : 'default');

const KEY_REFRESH_SECONDS = 1;

export async function startLiveGatehouse(options: LiveGatehouseOptions = {}): Promise<LiveGatehouse> {
  const clock = new ManualClock(Date.now());
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await createTestServer(
    {
      server: { publicUrl: url },
      tokens: { keyRefreshIntervalSeconds: KEY_REFRESH_SECONDS },
      ...(options.multiTenant ? { tenancy: { multiTenant: true, tenants: ['acme', 'globex'] } } : {}),
    },
    { clock },
  );
  await server.app.listen({ port, host: '127.0.0.1' });
  const defaultTenant = tenantOf(options);
  let closed = false;

  const signIn = async (email: string, tenant = defaultTenant): Promise<string> => {
    const response = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.multiTenant ? { 'x-tenant-id': tenant } : {}),
      },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    if (response.status !== 200) throw new Error(`login ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { accessToken: string }).accessToken;
  };

  return {
    url,
    clock,
    server,
    signIn,
    async signUpAndIn(email, userOptions = {}) {
      await server.createUser(email, PASSWORD, { tenant: defaultTenant, ...userOptions });
      return signIn(email, userOptions.tenant);
    },
    async logout(accessToken) {
      const response = await fetch(`${url}/api/v1/auth/logout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}` },
      });
      if (response.status !== 204) throw new Error(`logout ${response.status}: ${await response.text()}`);
    },
    async rotateKeys() {
      clock.advance((KEY_REFRESH_SECONDS + 6) * 1000);
      const ctx = createRequestContext({ ip: '127.0.0.1', requestId: 'test', tenant: 'default' });
      const rotation = await server.engine.admin.rotateKeys({ userId: 'test-admin', tenant: 'default' }, ctx);
      if (!rotation.ok) throw new Error(`rotation refused: ${rotation.code}`);
      return rotation.current;
    },
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
    },
  };
}

/** A port nobody listens on right now (the server takes it a moment later). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

/** The `kid` in an access token's protected header. */
export const kidOf = (token: string): string =>
  (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
