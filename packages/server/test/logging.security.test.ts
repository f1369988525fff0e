import { Writable } from 'node:stream';
import pino from 'pino';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfig } from '@gatehouse/core';
import { loggerOptions } from '../src/logging.js';
import { registerApiArea } from '../src/plugins/api-area.js';
import { createTestServer, type TestServer } from './helpers/test-gatehouse.js';

function captureLogger(): { logger: FastifyBaseLogger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const options = loggerOptions(createConfig({ server: { logLevel: 'trace' } }));
  return { logger: pino(options, stream) as unknown as FastifyBaseLogger, lines };
}

const SECRETS = {
  bearer: 'eyJhbGciOiJFZERTQSJ9.secret-access-token.sig',
  cookie: 'gh_rt=refresh-token-cookie-value',
  queryToken: 'query-token-0123456789',
  queryCode: '918273',
  password: 'correct horse battery staple',
  refreshToken: 'rt_super_secret_refresh',
};

async function leakyRoutes(app: FastifyInstance) {
  app.post('/leaky-login', async (request) => {
    request.log.info({ body: request.body }, 'a careless handler logging the body');
    throw new Error('handler failed');
  });
}

describe('logs never contain secrets', () => {
  let server: TestServer;
  const capture = captureLogger();
  beforeAll(async () => {
    server = await createTestServer({}, { logger: capture.logger });
    await registerApiArea(server.app, '/api/v1/auth', leakyRoutes, { bodyLimit: 65536 });
    await server.app.ready();
  });
  afterAll(() => server.close());

  it('redacts credential headers, query values, and secret fields even when a handler logs them', async () => {
    await server.app.inject({
      url: `/health?token=${SECRETS.queryToken}&code=${SECRETS.queryCode}`,
      headers: { authorization: `Bearer ${SECRETS.bearer}`, cookie: SECRETS.cookie },
    });
    const failed = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/leaky-login',
      headers: { authorization: `Bearer ${SECRETS.bearer}` },
      payload: { email: 'a@example.com', password: SECRETS.password, refreshToken: SECRETS.refreshToken },
    });
    expect(failed.statusCode).toBe(500);
    const log = capture.lines.join('');
    expect(log).toMatch(/"url":"\/health\?token=\[redacted\]&code=\[redacted\]"/);
    expect(log).toMatch(/a careless handler logging the body/);
    expect(log).toMatch(/handler failed/); // the 500 is logged...
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(log, name).not.toContain(secret); // ...without any secret of the request
    }
    expect(log).toContain('"password":"[redacted]"');
    expect(failed.body).not.toMatch(/handler failed/);
  });
});

describe('client IP and forwarded headers', () => {
  async function ipRoute(app: FastifyInstance) {
    app.get('/ip', async (request) => ({ ip: request.ip }));
  }

  it('ignores x-forwarded-for from an untrusted peer and warns (rarely)', async () => {
    const capture = captureLogger();
    const server = await createTestServer({}, { logger: capture.logger });
    await registerApiArea(server.app, '/t', ipRoute, { bodyLimit: 1024 });
    await server.app.ready();
    for (let i = 0; i < 3; i++) {
      const response = await server.app.inject({
        url: '/t/ip',
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      expect(response.json().ip).toBe('127.0.0.1');
    }
    const warnings = capture.lines.filter((line) => line.includes('not in GATEHOUSE_TRUSTED_PROXIES'));
    expect(warnings).toHaveLength(1);
    await server.close();
  });

  it('believes x-forwarded-for from a trusted proxy', async () => {
    const server = await createTestServer({ server: { trustedProxies: ['loopback'] } });
    await registerApiArea(server.app, '/t', ipRoute, { bodyLimit: 1024 });
    await server.app.ready();
    const response = await server.app.inject({
      url: '/t/ip',
      headers: { 'x-forwarded-for': '198.51.100.7, 203.0.113.9' },
    });
    // The nearest untrusted hop is the client; a spoofed left-most entry is not believed.
    expect(response.json().ip).toBe('203.0.113.9');
    await server.close();
  });
});
