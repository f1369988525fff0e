import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerApiArea } from '../src/plugins/api-area.js';
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
});
