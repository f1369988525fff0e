/**
 * Who can read the operators' endpoints (/metrics, /docs): a separate loopback listener
 * (GATEHOUSE_METRICS_PORT), a bearer token (GATEHOUSE_METRICS_TOKEN), and /docs off in
 * production unless enabled (API.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../cli/test/helpers/process.js';
import { startServer, type RunningServer } from '../src/start.js';
import { createTestServer, type TestServer } from './helpers/test-gatehouse.js';

const TOKEN = randomBytes(32).toString('hex');

async function get(url: string, token?: string) {
  const response = await request(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

describe('GATEHOUSE_METRICS_PORT and GATEHOUSE_METRICS_TOKEN on a real server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-operations-'));
  let server: RunningServer;
  let metricsPort: number;
  // Started here, not in the test: opening a data dir takes a while on a busy machine.
  beforeAll(async () => {
    const port = await freePort();
    metricsPort = await freePort();
    server = await startServer({
      env: {
        NODE_ENV: 'test',
        GATEHOUSE_DATA_DIR: dataDir,
        PORT: String(port),
        GATEHOUSE_METRICS_PORT: String(metricsPort),
        GATEHOUSE_METRICS_TOKEN: TOKEN,
      },
      logger: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves /metrics and /docs on the loopback operations listener only, behind the token', async () => {
    const operations = `http://127.0.0.1:${metricsPort}`;
    expect(server.operationsAddress).toBe(operations);
    const api = server.address;
    expect((await get(`${api}/health`)).status).toBe(200);

    const metrics = await get(`${operations}/metrics`, TOKEN);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/gatehouse_http_requests_total\{method="GET",route="\/health"/);
    expect((await get(`${operations}/docs/json`, TOKEN)).status).toBe(200);
    expect((await get(`${operations}/docs/`, TOKEN)).status).toBe(200);

    // The token is required there too.
    for (const token of [undefined, 'x'.repeat(64), `${TOKEN}x`]) {
      const refused = await get(`${operations}/metrics`, token);
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.body)).toMatchObject({ code: 'unauthorized' });
      expect(refused.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    // The API port no longer answers them, token or not.
    for (const path of ['/metrics', '/docs/', '/docs/json']) {
      const moved = await get(`${api}${path}`, TOKEN);
      expect(moved.status, path).toBe(404);
      expect(JSON.parse(moved.body)).toMatchObject({ code: 'not_found' });
    }
    const otherMethod = await request(`${api}/metrics`, { method: 'DELETE' });
    expect(otherMethod.statusCode).toBe(404); // not 405 with an allow header naming GET
    expect(otherMethod.headers.allow).toBeUndefined();
    await otherMethod.body.dump();
    // And the operations listener answers nothing else (not even which methods a path takes).
    for (const path of ['/health', '/api/v1/auth/me', '/api/v1/auth/login', '/.well-known/jwks.json']) {
      const other = await get(`${operations}${path}`, TOKEN);
      expect(other.status, path).toBe(404);
      expect(other.headers.allow).toBeUndefined();
    }
  });
});

describe('GATEHOUSE_METRICS_TOKEN on the API port', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ server: { metricsToken: TOKEN } });
    await server.app.ready();
  });
  afterAll(() => server.close());

  it('answers /metrics and /docs only with the token; the API is unaffected', async () => {
    for (const url of ['/metrics', '/docs/json']) {
      const bare = await server.app.inject(url);
      expect(bare.statusCode, url).toBe(401);
      expect(bare.headers['content-type']).toMatch(/^application\/problem\+json/);
      const wrong = await server.app.inject({ url, headers: { authorization: 'Bearer nope' } });
      expect(wrong.statusCode, url).toBe(401);
      const right = await server.app.inject({ url, headers: { authorization: `Bearer ${TOKEN}` } });
      expect(right.statusCode, url).toBe(200);
    }
    expect((await server.app.inject('/health')).statusCode).toBe(200);
  });
});

describe('/docs in production', () => {
  const production = { environment: 'production', mail: { transport: 'outbox' } } as const;
  let off: TestServer;
  let on: TestServer;
  beforeAll(async () => {
    off = await createTestServer(production);
    on = await createTestServer({ ...production, server: { docs: true } });
  });
  afterAll(async () => {
    await off.close();
    await on.close();
  });

  it('is off unless enabled', async () => {
    for (const url of ['/docs/', '/docs/json']) expect((await off.app.inject(url)).statusCode, url).toBe(404);
    expect((await off.app.inject('/metrics')).statusCode).toBe(200);
    expect((await on.app.inject('/docs/json')).statusCode).toBe(200);
  });
});
