import type { FastifyInstance } from 'fastify';
import { problem } from '../errors/problem.js';
import { sendProblem } from './error-handler.js';

/**
 * While the server drains (after close()), answers to requests already in flight ask
 * the client to close its keep-alive connection; otherwise that now-idle connection
 * would hold shutdown open until the keep-alive timeout.
 */
export function closeConnectionsWhileDraining(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply) => {
    if (!app.server.listening) reply.header('connection', 'close');
  });
}

/**
 * A request that still arrives once close() began (on a busy keep-alive connection) is not
 * run: 503 `unavailable`, so the load balancer retries it on another instance. Fastify's own
 * return503OnClosing would answer the same with bare framework JSON.
 */
export function refuseWhileDraining(app: FastifyInstance): void {
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!draining) return;
    reply.header('connection', 'close');
    return sendProblem(
      reply,
      problem('unavailable', request.id, { detail: 'This instance is shutting down; retry the request' }),
    );
  });
}

/**
 * Stops the HTTP listener the way SIGTERM wants it: no new connections, in-flight requests
 * finish, keep-alive connections go as soon as they fall idle (swept every 250 ms, not once:
 * one that finished its request after the first sweep would otherwise hold shutdown open for
 * the keep-alive timeout), and after half the grace every connection still open is cut (a
 * client that sent half a request would otherwise keep it open until the header timeout).
 */
export async function closeGracefully(app: FastifyInstance, graceMs: number): Promise<void> {
  const server = app.server;
  const sweep = setInterval(() => server.closeIdleConnections(), 250);
  const cut = setTimeout(() => server.closeAllConnections(), Math.floor(graceMs / 2));
  sweep.unref();
  cut.unref();
  try {
    await app.close();
  } finally {
    clearInterval(sweep);
    clearTimeout(cut);
  }
}
