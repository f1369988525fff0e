/**
 * What every Gatehouse framework middleware must do, run against a live Gatehouse server:
 * the Fastify plugin and the Express middleware each mount the same three routes and call
 * this with their own `mount`. Tests run in order on one server and one clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteVerifierOptions } from '@gatehouse/core';
import {
  kidOf,
  startLiveGatehouse,
  tenantOf,
  type LiveGatehouse,
  type LiveGatehouseOptions,
} from './live-gatehouse.js';

/**
 * An app listening on a loopback port with the framework's middleware and three routes:
 * GET /me (authenticated: answers the claims), GET /admin (role `admin`),
 * GET /sensitive (a sign-in within 300 s).
 */
export interface MountedApp {
  url: string;
  close(): Promise<void>;
}

export type Mount = (options: RemoteVerifierOptions) => Promise<MountedApp>;

const ACCESS_TOKEN_SECONDS = 15 * 60;

export function describeMiddlewareContract(
  framework: string,
  mount: Mount,
  options: LiveGatehouseOptions,
): void {
  const tenancy = options.multiTenant ? 'multi-tenant' : 'single-tenant';
  describe(`${framework} middleware against a live ${tenancy} Gatehouse server`, () => {
    let live: LiveGatehouse;
    const apps: MountedApp[] = [];
    const jwksFetches: string[] = [];
    let jwtApp: MountedApp;
    let strictApp: MountedApp;
    let hybridApp: MountedApp;
    let userId: string;

    /** The global fetch, counting the JWKS downloads. */
    const countingFetch: typeof fetch = (input, init) => {
      if (String(input).endsWith('/.well-known/jwks.json')) jwksFetches.push(String(input));
      return fetch(input, init);
    };
    const app = async (extra: Partial<RemoteVerifierOptions> = {}) => {
      const mounted = await mount({
        issuer: live.url,
        clock: live.clock,
        fetch: countingFetch,
        ...(options.multiTenant ? { tenants: [tenantOf(options)] } : {}),
        ...extra,
      });
      apps.push(mounted);
      return mounted;
    };
    const get = (target: MountedApp, path: string, token?: string) =>
      fetch(`${target.url}${path}`, {
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });
    const statusOf = async (target: MountedApp, path: string, token?: string) =>
      (await get(target, path, token)).status;

    beforeAll(async () => {
      live = await startLiveGatehouse(options);
      jwtApp = await app();
      strictApp = await app({ mode: 'strict' });
      hybridApp = await app({ mode: 'hybrid' });
      userId = await live.server.createUser('ada@example.com', 'a sturdy passphrase 42', {
        tenant: tenantOf(options),
      });
      await live.server.createUser('root@example.com', 'a sturdy passphrase 42', {
        tenant: tenantOf(options),
        roles: ['user', 'admin'],
      });
    });
    afterAll(async () => {
      await Promise.all(apps.map((mounted) => mounted.close()));
      await live?.close();
    });

    it('a valid token: 200 with the verified claims in every mode', async () => {
      const token = await live.signIn('ada@example.com');
      const response = await get(jwtApp, '/me', token);
      expect(response.status).toBe(200);
      const claims = (await response.json()) as Record<string, unknown>;
      expect(claims).toMatchObject({ sub: userId, roles: ['user'], amr: ['pwd'] });
      expect(claims.tid).toBe(options.multiTenant ? 'acme' : undefined);
      expect(typeof claims.sid).toBe('string');
      expect(await statusOf(strictApp, '/me', token)).toBe(200);
      expect(await statusOf(hybridApp, '/me', token)).toBe(200);
    });

    it('no bearer: 401 unauthorized as an RFC 9457 problem document with a Bearer challenge', async () => {
      const response = await get(jwtApp, '/me');
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await response.json()).toMatchObject({
        type: 'https://gatehouse.dev/errors/unauthorized',
        status: 401,
        code: 'unauthorized',
      });
      const basic = await fetch(`${jwtApp.url}/me`, { headers: { authorization: 'Basic YTpi' } });
      expect(basic.status).toBe(401);
    });

    it('garbage, a forged signature and an unsigned token: 401 invalid_token', async () => {
      const token = await live.signIn('ada@example.com');
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const forgedPayload = Buffer.from(
        JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), roles: ['admin'] }),
      ).toString('base64url');
      const unsigned = `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${payload}.`;
      for (const bad of ['not-a-token', `${header}.${forgedPayload}.${signature}`, unsigned]) {
        const response = await get(jwtApp, '/admin', bad);
        expect(response.status, bad).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
        expect(await response.json()).toMatchObject({ code: 'invalid_token', status: 401 });
      }
    });

    it('a token for another issuer, audience or tenancy: 401', async () => {
      const token = await live.signIn('ada@example.com');
      const jwksUrl = `${live.url}/.well-known/jwks.json`;
      const otherIssuer = await app({ issuer: 'https://auth.other.example', jwksUrl });
      const otherAudience = await app({ audience: 'billing' });
      // A single-tenant server's tokens carry no tid; a multi-tenant verifier refuses them, and the reverse.
      const otherTenancy = await app(options.multiTenant ? { tenants: undefined } : { tenants: ['acme'] });
      expect(await statusOf(otherIssuer, '/me', token)).toBe(401);
      expect(await statusOf(otherAudience, '/me', token)).toBe(401);
      expect(await statusOf(otherTenancy, '/me', token)).toBe(401);
    });

    // Only a multi-tenant server has another tenant (a single-tenant run has no such case to skip).
    (options.multiTenant ? it : () => undefined)(
      'a token of another tenant: 401; accepted where every tenant is',
      async () => {
        await live.server.createUser('grace@example.com', 'a sturdy passphrase 42', { tenant: 'globex' });
        const globexToken = await live.signIn('grace@example.com', 'globex');
        expect(await statusOf(jwtApp, '/me', globexToken)).toBe(401);
        expect(await statusOf(strictApp, '/me', globexToken)).toBe(401);
        const anyTenant = await app({ tenants: 'any' });
        const response = await get(anyTenant, '/me', globexToken);
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({ tid: 'globex' });
      },
    );

    it('requireRole: 403 forbidden without the role, 200 with it', async () => {
      const user = await get(jwtApp, '/admin', await live.signIn('ada@example.com'));
      expect(user.status).toBe(403);
      expect(await user.json()).toMatchObject({ code: 'forbidden', status: 403 });
      expect(await statusOf(jwtApp, '/admin', await live.signIn('root@example.com'))).toBe(200);
      expect(await statusOf(jwtApp, '/admin')).toBe(401);
    });

    it('requireStepUp: 403 step_up_required once the sign-in is older than 300 s; a new sign-in passes', async () => {
      const token = await live.signIn('ada@example.com');
      expect(await statusOf(jwtApp, '/sensitive', token)).toBe(200);
      live.clock.advance(301_000);
      const stale = await get(jwtApp, '/sensitive', token);
      expect(stale.status).toBe(403);
      expect(await stale.json()).toMatchObject({ code: 'step_up_required', status: 403 });
      expect(await statusOf(jwtApp, '/me', token)).toBe(200); // still a valid token
      expect(await statusOf(jwtApp, '/sensitive', await live.signIn('ada@example.com'))).toBe(200);
    });

    it('an expired token: 401 invalid_token', async () => {
      const token = await live.signIn('ada@example.com');
      live.clock.advance((ACCESS_TOKEN_SECONDS + 5 + 1) * 1000); // lifetime + the default leeway
      const response = await get(jwtApp, '/me', token);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 'invalid_token' });
    });

    it('after logout: strict refuses at once, hybrid within 5 s, jwt only at expiry (documented)', async () => {
      const token = await live.signIn('ada@example.com');
      expect(await statusOf(hybridApp, '/me', token)).toBe(200); // hybrid now holds a "yes" for 5 s
      await live.logout(token);
      expect(await statusOf(strictApp, '/me', token)).toBe(401);
      expect(await statusOf(hybridApp, '/me', token)).toBe(200);
      expect(await statusOf(jwtApp, '/me', token)).toBe(200);
      live.clock.advance(5_001);
      expect(await statusOf(hybridApp, '/me', token)).toBe(401);
      expect(await statusOf(jwtApp, '/me', token)).toBe(200);
    });

    it('key rotation: a token signed by a key newer than the cached set verifies after one kid-miss refetch', async () => {
      expect(await statusOf(jwtApp, '/me', await live.signIn('ada@example.com'))).toBe(200); // keys cached
      const cachedKid = kidOf(await live.signIn('ada@example.com'));
      await live.rotateKeys(); // the published next key signs: already in the cached set
      await live.rotateKeys(); // a key made after the set was cached signs
      live.clock.advance(30_000); // past the refetch rate limit, well inside the cache's 5 minutes
      const fetchesBefore = jwksFetches.length;
      const token = await live.signIn('ada@example.com');
      expect(kidOf(token)).not.toBe(cachedKid);
      expect(await statusOf(jwtApp, '/me', token)).toBe(200);
      expect(jwksFetches.length).toBe(fetchesBefore + 1);
      // A made-up kid right after: refused without another fetch (rate-limited).
      const [, payload, signature] = token.split('.') as [string, string, string];
      const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'at+jwt', kid: 'made-up' })).toString(
        'base64url',
      );
      expect(await statusOf(jwtApp, '/me', `${header}.${payload}.${signature}`)).toBe(401);
      expect(jwksFetches.length).toBe(fetchesBefore + 1);
    });

    it('Gatehouse down: 503 with a cold cache or in strict mode, never 200; jwt mode keeps its cached keys', async () => {
      const token = await live.signIn('ada@example.com');
      expect(await statusOf(jwtApp, '/me', token)).toBe(200);
      const cold = await app();
      await live.close();
      const refused = await get(cold, '/me', token);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(await refused.json()).toMatchObject({ code: 'unavailable', status: 503 });
      expect(await statusOf(cold, '/admin', token)).toBe(503);
      expect(await statusOf(strictApp, '/me', token)).toBe(503);
      expect(await statusOf(jwtApp, '/me', token)).toBe(200);
    });
  });
}
