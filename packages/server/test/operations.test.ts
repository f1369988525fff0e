import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from './helpers/test-gatehouse.js';

describe('operations endpoints', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
    await server.app.ready();
  });
  afterAll(() => server.close());

  it('GET /health answers without touching backends', async () => {
    const response = await server.app.inject('/health');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /health/ready reports each backend', async () => {
    const response = await server.app.inject('/health/ready');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.status).toBe('ok');
    for (const check of ['database', 'stateStore', 'keys']) {
      expect(body.checks[check]).toMatchObject({ status: 'ok' });
      expect(typeof body.checks[check].latencyMs).toBe('number');
    }
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('GET /.well-known/jwks.json publishes the current and next public keys', async () => {
    const response = await server.app.inject('/.well-known/jwks.json');
    expect(response.statusCode).toBe(200);
    const { keys } = response.json();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatchObject({
      kid: server.gatehouse.keyring.current().kid,
      alg: 'EdDSA',
      use: 'sig',
      kty: 'OKP',
    });
    for (const key of keys) expect(key).not.toHaveProperty('d');
    // No verifier caches it longer than a rotation waits for the next key to be seen.
    const { keyRefreshIntervalSeconds } = server.gatehouse.config.tokens;
    expect(response.headers['cache-control']).toBe(`public, max-age=${keyRefreshIntervalSeconds}`);
  });

  it('GET /docs/json is an OpenAPI 3.1 document listing the routes', async () => {
    const response = await server.app.inject('/docs/json');
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/health', '/health/ready', '/.well-known/jwks.json']),
    );
    expect(document.paths['/health/ready'].get.responses).toHaveProperty('503');
  });

  it('GET /docs/json introduces Gatehouse: its name, its version, and where the reference is', async () => {
    const { info } = (await server.app.inject('/docs/json')).json();
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(info.title).toBe('Gatehouse');
    expect(info.version).toBe(version);
    expect(info.version).not.toBe('1.0.0');
    expect(info.description).toContain('docs/http-api.md');
    expect(info.description).not.toMatch(/API\.md/);
    expect(existsSync(new URL('../../../docs/http-api.md', import.meta.url))).toBe(true);
  });

  it('GET /docs serves the UI with a CSP that lets only its own assets load', async () => {
    const response = await server.app.inject('/docs/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.headers['content-security-policy']).toMatch(/script-src 'self'/);
  });

  it('GET /docs shows Gatehouse, not the framework: own title and icon, no top bar or logo', async () => {
    const page = (await server.app.inject('/docs/')).body;
    expect(page).toContain('<title>Gatehouse API</title>');
    expect(page).not.toMatch(/Swagger UI|favicon-32x32/);
    const script = (await server.app.inject('/docs/static/swagger-initializer.js')).body;
    expect(script).toContain('"BaseLayout"');
    expect(script).not.toMatch(/data:image|topbar/);
    const icon = await server.app.inject('/docs/static/theme/favicon.svg');
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
  });

  it('GET /metrics exposes default and HTTP metrics labelled by route pattern', async () => {
    await server.app.inject('/health');
    await server.app.inject('/no/such/path/secret-looking-token');
    const response = await server.app.inject('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/plain/);
    expect(response.body).toMatch(/gatehouse_process_cpu_user_seconds_total/);
    expect(response.body).toMatch(
      /gatehouse_http_requests_total\{method="GET",route="\/health",status_code="200"\} \d+/,
    );
    expect(response.body).toMatch(/route="unmatched",status_code="404"/);
    expect(response.body).not.toMatch(/secret-looking-token/);
  });

  it('GET /metrics shows background jobs by state, and failed attempts as stable reasons', async () => {
    await server.gatehouse.jobs.enqueue('no.such.job', {});
    await server.gatehouse.jobs.drain(10_000);
    await server.engine.audit.flush();
    const body = (await server.app.inject('/metrics')).body;
    expect(body).toMatch(/gatehouse_jobs\{state="waiting"\} 0/);
    expect(body).toMatch(/gatehouse_jobs\{state="failed"\} 1/);
    expect(body).toMatch(/gatehouse_auth_events_total\{type="job.failed",reason="permanent"\} 1/);
    expect(body).not.toMatch(/No handler for job/);
  });
});
