import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerApiArea } from '../src/plugins/api-area.js';
import { closeGracefully } from '../src/plugins/graceful-close.js';
import { createTestServer } from './helpers/test-gatehouse.js';

describe('graceful shutdown', () => {
  it('lets in-flight requests finish while it stops accepting new ones', async () => {
    const server = await createTestServer();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await registerApiArea(
      server.app,
      '/t',
      async (app: FastifyInstance) => {
        app.get('/slow', async () => {
          await gate;
          return { done: true };
        });
      },
      { bodyLimit: 1024 },
    );
    const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
    const inFlight = fetch(`${address}/t/slow`);
    await new Promise((resolve) => setTimeout(resolve, 100));

    const closing = server.app.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(fetch(`${address}/health`)).rejects.toThrow(); // no longer accepting
    release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    expect(response.headers.get('connection')).toBe('close');
    await closing; // finishes promptly: the drained connection does not linger in keep-alive
    await server.close();
  });

  it('a stop is not held open by a client that sent half a request, nor by idle keep-alive', async () => {
    const server = await createTestServer();
    const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(address);
    // A keep-alive connection left idle after its answer, and one stuck mid-headers (Node
    // would wait for its header timeout, 60 s, before letting the listener close).
    expect((await fetch(`${address}/health`)).status).toBe(200);
    const stuck = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => stuck.once('connect', resolve));
    stuck.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const stuckClosed = new Promise<void>((resolve) => stuck.once('close', () => resolve()));

    await closeGracefully(server.app, 400); // cut after 200 ms: the test times out if it hangs
    await stuckClosed;
    expect(server.app.server.listening).toBe(false);
    await server.close();
  });
});
