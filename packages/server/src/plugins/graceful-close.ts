import type { FastifyInstance } from 'fastify';

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
