import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createScratchPostgres, describeWithEnv } from '../../core/test/helpers/real-backends.js';
import { cleanEnv, freePort, runCli, startGatehouse, waitFor, type Gatehouse } from './helpers/process.js';

const ADMIN = { email: 'root@example.com', password: 'bootstrap passphrase 1' };

async function call(base: string, method: string, path: string, body?: object, token?: string) {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

describeWithEnv(
  'DATABASE_URL',
  'a real server on loopback: PostgreSQL + Redis, two instances, the CLI',
  (baseUrl) => {
    let scratch: Awaited<ReturnType<typeof createScratchPostgres>>;
    const dataDir = mkdtempSync(join(tmpdir(), 'gh-e2e-auth-'));
    let env: NodeJS.ProcessEnv;
    let a: Gatehouse;
    let b: Gatehouse;

    beforeAll(async () => {
      scratch = await createScratchPostgres(baseUrl);
      const shared = {
        DATABASE_URL: scratch.url,
        GATEHOUSE_SECRET: randomBytes(32).toString('base64'),
        GATEHOUSE_DATA_DIR: dataDir,
        GATEHOUSE_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
        GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
        GATEHOUSE_TOKENS__KEY_REFRESH_INTERVAL_SECONDS: '1',
        // Instances behind one load balancer share the public URL (the tokens' `iss`).
        GATEHOUSE_PUBLIC_URL: 'https://auth.example.test',
        ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
      };
      env = cleanEnv({ ...shared, PORT: String(await freePort()) });
      a = await startGatehouse(env);
      b = await startGatehouse(cleanEnv({ ...shared, PORT: String(await freePort()) }));
    });
    afterAll(async () => {
      await a?.stop();
      await b?.stop();
      await scratch?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('signs in the bootstrap admin on one instance and validates strictly on the other', async () => {
      const login = await call(a.url, 'POST', '/auth/login', ADMIN);
      expect(login.status).toBe(200);
      expect(login.body.user.roles).toEqual(['user', 'admin']);
      expect((await call(b.url, 'GET', '/auth/me', undefined, login.body.accessToken)).status).toBe(200);
      const refreshed = await call(b.url, 'POST', '/auth/refresh', { refreshToken: login.body.refreshToken });
      expect(refreshed.status).toBe(200);
      // A standard JOSE library verifies the token through the published JWKS.
      const jwks = createRemoteJWKSet(new URL(`${a.url}/.well-known/jwks.json`));
      const { payload } = await jwtVerify(refreshed.body.accessToken, jwks, {
        audience: 'gatehouse',
        typ: 'at+jwt',
      });
      expect(payload.sub).toBe(login.body.user.id);
      expect((await call(a.url, 'POST', '/auth/logout', {}, refreshed.body.accessToken)).status).toBe(204);
      expect((await call(b.url, 'GET', '/auth/me', undefined, refreshed.body.accessToken)).status).toBe(401);
    });

    it('gatehouse keys rotate reaches every running instance without a restart', async () => {
      const kidOf = (token: string) =>
        JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid as string;
      const before = await call(a.url, 'POST', '/auth/login', ADMIN);
      // The next key the instances made at start may be younger than one key refresh (1 s
      // here) plus the 5 s margin: until then the CLI refuses, saying when to retry.
      let rotated = await runCli(['keys', 'rotate'], env);
      await waitFor(
        async () => {
          if (rotated.code === 0) return true;
          expect(rotated.stderr).toMatch(/^Not rotated: .*Try again in \d+ s\.$/m);
          rotated = await runCli(['keys', 'rotate'], env);
          return false;
        },
        30_000,
        1000,
      );
      expect(rotated.stdout).toMatch(/Rotated: .* retired/);
      for (const instance of [a, b]) {
        await waitFor(
          async () => {
            const login = await call(instance.url, 'POST', '/auth/login', ADMIN);
            return login.status === 200 && kidOf(login.body.accessToken) !== kidOf(before.body.accessToken);
          },
          30_000,
          500,
        );
      }
      // Tokens signed before the rotation keep validating during the grace period.
      expect((await call(b.url, 'GET', '/auth/me', undefined, before.body.accessToken)).status).toBe(200);
    });

    it('gatehouse tenants create makes a tenant', async () => {
      const created = await runCli(['tenants', 'create', 'acme', 'Acme', 'Inc'], env);
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toMatch(/Created tenant acme/);
      const listed = await runCli(['tenants', 'list'], env);
      expect(listed.stdout).toMatch(/^acme$/m);
      expect((await runCli(['tenants', 'create', 'Bad Slug'], env)).code).toBe(2);
    });
  },
);
