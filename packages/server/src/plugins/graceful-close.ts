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
