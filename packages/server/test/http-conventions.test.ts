import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '@gatehouse/core';
import { registerApiArea } from '../src/plugins/api-area.js';
import { createTestServer, type TestServer } from './helpers/test-gatehouse.js';

// Test-only routes exercising the shared plumbing (the feature routes arrive with their issues).
let handled = 0;
async function probeRoutes(app: FastifyInstance) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.post(
    '/echo',
    { schema: { body: z.object({ email: z.email(), note: z.string().max(1_000_000).optional() }) } },
    async (request) => {
      handled++;
      return { email: request.body.email };
    },
  );
  typed.get('/boom', async () => {
    throw new Error('SELECT secret FROM users -- internal detail');
  });
  typed.get('/down', async () => {
    throw new BackendUnavailableError('stateStore', new Error('ECONNREFUSED 127.0.0.1:6379'));
  });
}

describe('HTTP conventions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
    await registerApiArea(server.app, '/api/v1/auth', probeRoutes, { bodyLimit: 64 * 1024, noStore: true });
    await registerApiArea(server.app, '/api/v1/other', probeRoutes, { bodyLimit: 1024 * 1024 });
    await server.app.ready();
  });
  afterAll(() => server.close());

  const post = (url: string, payload: string, contentType = 'application/json') =>
    server.app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } });

  it('answers errors as problem documents whose requestId equals the header', async () => {
    const response = await server.app.inject('/api/v1/nothing-here');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = response.json();
    expect(body).toMatchObject({
      type: 'https://gatehouse.dev/errors/not_found',
      status: 404,
      code: 'not_found',
    });
    expect(body.requestId).toBe(response.headers['x-request-id']);
  });

  it('echoes a well-formed x-request-id and replaces a malformed one', async () => {
    const echoed = await server.app.inject({
      url: '/health',
      headers: { 'x-request-id': 'abc.DEF:123-x_y' },
    });
    expect(echoed.headers['x-request-id']).toBe('abc.DEF:123-x_y');
    for (const bad of ['has space', 'x'.repeat(129), '<script>', 'a\u00e9']) {
      const replaced = await server.app.inject({ url: '/health', headers: { 'x-request-id': bad } });
      expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('validates bodies: 400 validation_error with errors[] naming the field', async () => {
    const response = await post('/api/v1/auth/echo', JSON.stringify({ email: 'not-an-email' }));
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.code).toBe('validation_error');
    expect(body.errors).toEqual([expect.objectContaining({ path: 'email' })]);
  });

  it('refuses malformed JSON with 400, never 500', async () => {
    for (const payload of ['{"email":', '{}}', '\u0000', 'null']) {
      const response = await post('/api/v1/auth/echo', payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('validation_error');
    }
  });

  it('refuses other content types with 415 before the handler', async () => {
    const before = handled;
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const response = await post('/api/v1/auth/echo', 'email=a@b.co', type);
      expect(response.statusCode).toBe(415);
      expect(response.json().code).toBe('unsupported_media_type');
    }
    expect(handled).toBe(before);
  });

  it('limits auth bodies to 64 KiB (413 before the handler) and others to 1 MiB', async () => {
    const before = handled;
    const big = JSON.stringify({ email: 'a@example.com', note: 'x'.repeat(70 * 1024) });
    const auth = await post('/api/v1/auth/echo', big);
    expect(auth.statusCode).toBe(413);
    expect(auth.json().code).toBe('payload_too_large');
    expect(handled).toBe(before);
    expect((await post('/api/v1/other/echo', big)).statusCode).toBe(200);
    const huge = JSON.stringify({ email: 'a@example.com', note: 'x'.repeat(1024 * 1024) });
    expect((await post('/api/v1/other/echo', huge)).statusCode).toBe(413);
  });

  it('marks auth answers no-store', async () => {
    const response = await post('/api/v1/auth/echo', JSON.stringify({ email: 'a@example.com' }));
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('hides internal errors: 500 internal_error without the message', async () => {
    const response = await server.app.inject('/api/v1/other/boom');
    expect(response.statusCode).toBe(500);
    expect(response.json().code).toBe('internal_error');
    expect(response.body).not.toMatch(/SELECT|secret|stack|at /);
  });

  it('fails closed with 503 unavailable when a backend is down', async () => {
    const response = await server.app.inject('/api/v1/other/down');
    expect(response.statusCode).toBe(503);
    expect(response.json().code).toBe('unavailable');
    expect(response.body).not.toMatch(/ECONNREFUSED|6379/);
  });

  it('sends security headers', async () => {
    const response = await server.app.inject('/health');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(response.headers['strict-transport-security']).toBeDefined();
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('sends no CORS headers when no origin is configured', async () => {
    const response = await server.app.inject({ url: '/health', headers: { origin: 'https://evil.example' } });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS from config', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ server: { corsOrigins: ['https://app.example'] } });
    await server.app.ready();
  });
  afterAll(() => server.close());

  it('allows exactly the configured origins', async () => {
    const preflight = await server.app.inject({
      method: 'OPTIONS',
      url: '/health',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');
    const other = await server.app.inject({
      url: '/health',
      headers: { origin: 'https://app.example.evil' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
