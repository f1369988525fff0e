import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createScratchPostgres, describeWithEnv } from '../../core/test/helpers/real-backends.js';
import { cleanEnv, freePort, startGatehouse, waitFor } from './helpers/process.js';

const secret = randomBytes(32).toString('base64');

async function readyStatus(url: string): Promise<number> {
  try {
    return (await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(4000) })).status;
  } catch {
    return 0;
  }
}

describeWithEnv('DATABASE_URL', 'gatehouse serve on PostgreSQL', (baseUrl) => {
  let scratch: Awaited<ReturnType<typeof createScratchPostgres>>;
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-e2e-pg-'));
  beforeAll(async () => {
    scratch = await createScratchPostgres(baseUrl);
  });
  afterAll(async () => {
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const envFor = async (extra: Record<string, string>) =>
    cleanEnv({
      PORT: String(await freePort()),
      DATABASE_URL: scratch.url,
      GATEHOUSE_SECRET: secret,
      GATEHOUSE_DATA_DIR: dataDir,
      ...extra,
    });

  it('refuses DATABASE_URL without GATEHOUSE_SECRET (instances must share it)', async () => {
    const env = await envFor({});
    delete env.GATEHOUSE_SECRET;
    await expect(startGatehouse(env, 15_000)).rejects.toThrow(/GATEHOUSE_SECRET is required/);
  });

  it('runs two instances on one database with one key set, state in SQL', async () => {
    const [a, b] = await Promise.all([startGatehouse(await envFor({})), startGatehouse(await envFor({}))]);
    try {
      const ready = (await (await fetch(`${a.url}/health/ready`)).json()) as { status: string };
      expect(ready.status).toBe('ok');
      const jwksA = await (await fetch(`${a.url}/.well-known/jwks.json`)).json();
      const jwksB = await (await fetch(`${b.url}/.well-known/jwks.json`)).json();
      expect(jwksA).toEqual(jwksB);
    } finally {
      expect(await a.stop()).toBe(0);
      expect(await b.stop()).toBe(0);
    }
  });

  describeWithEnv('REDIS_URL', 'with Redis', (redisUrl) => {
    it('serves with Redis as the state store and keeps its key across restarts', async () => {
      const env = await envFor({ REDIS_URL: redisUrl });
      const first = await startGatehouse(env);
      const body = (await (await fetch(`${first.url}/health/ready`)).json()) as { status: string };
      expect(body.status).toBe('ok');
      expect(first.output()).toMatch(/"stateStore":"redis"/);
      const kid = (
        (await (await fetch(`${first.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }
      ).keys[0]?.kid;
      expect(await first.stop()).toBe(0);
      const second = await startGatehouse(env);
      const again = (await (await fetch(`${second.url}/.well-known/jwks.json`)).json()) as {
        keys: { kid: string }[];
      };
      expect(again.keys[0]?.kid).toBe(kid);
      expect(await second.stop()).toBe(0);
    });

    it('answers 503 on /health/ready within 5 s of Redis going away and recovers when it returns', async () => {
      const port = await freePort();
      const redisDir = mkdtempSync(join(tmpdir(), 'gh-redis-'));
      const startRedis = () =>
        spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--save',
            '',
            '--appendonly',
            'no',
            '--dir',
            redisDir,
          ],
          {
            stdio: 'ignore',
          },
        );
      let redis = startRedis();
      await waitFor(
        async () =>
          spawnSync('redis-cli', ['-p', String(port), 'ping'])
            .stdout?.toString()
            .includes('PONG'),
        5000,
      );
      const server = await startGatehouse(await envFor({ REDIS_URL: `redis://127.0.0.1:${port}` }));
      try {
        expect(await readyStatus(server.url)).toBe(200);
        redis.kill('SIGKILL');
        const downAfter = await waitFor(async () => (await readyStatus(server.url)) === 503, 5000);
        expect(downAfter).toBeLessThan(5000);
        expect((await fetch(`${server.url}/health`)).status).toBe(200); // liveness stays up
        redis = startRedis();
        await waitFor(async () => (await readyStatus(server.url)) === 200, 15_000);
      } finally {
        await server.stop();
        redis.kill('SIGKILL');
        rmSync(redisDir, { recursive: true, force: true });
      }
    });
  });

  describeWithEnv('REDIS_CLUSTER_NODES', 'with Redis Cluster', (nodes) => {
    it('serves with a Redis Cluster state store', async () => {
      const server = await startGatehouse(await envFor({ REDIS_CLUSTER_NODES: nodes }));
      try {
        const body = (await (await fetch(`${server.url}/health/ready`)).json()) as { status: string };
        expect(body.status).toBe('ok');
        expect(server.output()).toMatch(/"stateStore":"redis-cluster"/);
      } finally {
        expect(await server.stop()).toBe(0);
      }
    });
  });
});
