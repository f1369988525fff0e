import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerApiArea } from '../src/plugins/api-area.js';
import { createTestServer, type TestServer } from './helpers/test-gatehouse.js';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes `text` on a fresh connection and reads the answer until the server closes it. */
function exchange(port: number, text: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = received.split('\r\n\r\n', 2);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
  });
}

/** Every error answer: a problem document with a stable code, its requestId equal to the header. */
function expectProblem(answer: RawAnswer, status: number, code: string) {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  const document = JSON.parse(answer.body) as Record<string, unknown>;
  expect(document).toMatchObject({ status, code, type: `https://gatehouse.dev/errors/${code}` });
  expect(document.requestId).toBe(answer.headers['x-request-id']);
  expect(answer.body).not.toMatch(/FST_ERR|statusCode|"error"/);
  return document;
}

async function fetchRaw(url: string, options: Parameters<typeof request>[1] = {}): Promise<RawAnswer> {
  const response = await request(url, options);
  const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k, String(v)]));
  return { status: response.statusCode, headers, body: await response.body.text() };
}

describe('framework and parser errors over a real socket', () => {
  let server: TestServer;
  let base: string;
  let port: number;
  let release!: () => void;
  let entered!: () => void;
  const slowEntered = new Promise<void>((resolve) => (entered = resolve));
  beforeAll(async () => {
    server = await createTestServer();
    const gate = new Promise<void>((resolve) => (release = resolve));
    await registerApiArea(
      server.app,
      '/t',
      async (app: FastifyInstance) => {
        app.get('/slow', async () => {
          entered();
          await gate;
          return { done: true };
        });
      },
      { bodyLimit: 1024 },
    );
    base = await server.app.listen({ host: '127.0.0.1', port: 0 });
    port = Number(new URL(base).port);
  });
  afterAll(async () => {
    release();
    await server.close();
  });

  it('a 100 KB header: 431 request_header_too_large (refused by the parser, before Fastify)', async () => {
    const answer = await exchange(
      port,
      `GET /health HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(100_000)}\r\n\r\n`,
    );
    expectProblem(answer, 431, 'request_header_too_large');
    expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a request the parser cannot read: 400 validation_error', async () => {
    expectProblem(await exchange(port, 'NOT HTTP AT ALL\r\n\r\n'), 400, 'validation_error');
  });

  it('a 4,000-character path parameter: 414 uri_too_long, without echoing the path', async () => {
    const answer = await fetchRaw(`${base}/api/v1/sessions/${'a'.repeat(4000)}`, { method: 'DELETE' });
    expectProblem(answer, 414, 'uri_too_long');
    expect(answer.body).not.toContain('aaaa');
  });

  it('a URL that is not valid percent-encoding: 400 validation_error', async () => {
    const answer = await exchange(
      port,
      'GET /api/v1/sessions/%zz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n',
    );
    const document = expectProblem(answer, 400, 'validation_error');
    expect(answer.body).not.toContain('%zz');
    expect(document.detail).toMatch(/percent-encoding/);
  });

  it('a method the path does not take: 405 method_not_allowed with allow', async () => {
    const health = await fetchRaw(`${base}/health`, { method: 'DELETE' });
    expectProblem(health, 405, 'method_not_allowed');
    expect(health.headers.allow).toBe('GET, HEAD');
    const login = await fetchRaw(`${base}/api/v1/auth/login`, { method: 'GET' });
    expectProblem(login, 405, 'method_not_allowed');
    expect(login.headers.allow).toBe('POST');
    const session = await fetchRaw(`${base}/api/v1/sessions/some-id`, { method: 'PUT' });
    expect(session.headers.allow).toBe('DELETE');
  });

  it('an unknown path: 404 not_found, without allow', async () => {
    const answer = await fetchRaw(`${base}/no/such/path`, { method: 'DELETE' });
    expectProblem(answer, 404, 'not_found');
    expect(answer.headers.allow).toBeUndefined();
  });

  it('bad JSON and a wrong content type: problem documents', async () => {
    const url = `${base}/api/v1/auth/login`;
    expectProblem(
      await fetchRaw(url, {
        method: 'POST',
        body: '{"email":',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'validation_error',
    );
    expectProblem(
      await fetchRaw(url, { method: 'POST', body: 'a=b', headers: { 'content-type': 'text/xml' } }),
      415,
      'unsupported_media_type',
    );
  });

  // Runs last: it closes the app.
  it('a request arriving while the server drains: 503 unavailable, not framework JSON', async () => {
    const inFlight = fetchRaw(`${base}/t/slow`);
    // A connection Fastify's own listener no longer accepts, as a busy keep-alive one would be.
    const side: Server = createServer((req, res) => server.app.routing(req, res));
    await new Promise<void>((resolve) => side.listen(0, '127.0.0.1', resolve));
    const sidePort = (side.address() as { port: number }).port;
    await slowEntered; // close() now waits for it
    const closing = server.app.close();
    const answer = await exchange(sidePort, 'GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    expectProblem(answer, 503, 'unavailable');
    release();
    expect((await inFlight).status).toBe(200);
    await closing;
    side.close();
  });
});
