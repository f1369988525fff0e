import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { problem } from '../errors/problem.js';
import { sendProblem } from './error-handler.js';
import { answerClientError } from './framework-errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on the routes of the operations area (/metrics, /docs). */
    operations?: boolean;
  }
}

/**
 * Who may read the operators' endpoints, /metrics and /docs: they tell how the server is
 * doing (and /metrics, under failing delivery, a little about its accounts), so operators
 * can take them off the public API port.
 */
export interface OperationsAccess {
  /** Served only on the operations listener (server.metricsPort); the API port answers 404. */
  separateListener: boolean;
  /** `Authorization: Bearer <token>` required (server.metricsToken), on whichever listener. */
  token?: string | undefined;
}

/** Requests that came in through the operations listener (never a header a client could set). */
const viaOperationsListener = new WeakSet<IncomingMessage>();

/**
 * Registers `routes` (/metrics, /docs) behind the access rules. Call it before any other
 * route: with a separate listener, the root hook it adds keeps every non-operations route
 * (and the 405 hints of the not-found handler) off that listener.
 */
export async function registerOperationsArea(
  app: FastifyInstance,
  access: OperationsAccess,
  routes: FastifyPluginAsync,
): Promise<void> {
  if (access.separateListener) {
    app.addHook('onRequest', async (request, reply) => {
      const operationsRoute = request.routeOptions.config.operations === true;
      if (viaOperationsListener.has(request.raw) ? !operationsRoute : isOperationsPath(request.url)) {
        // Also on the API port, another method on /metrics or /docs is 404, not a 405 hint.
        return sendProblem(reply, problem('not_found', request.id));
      }
    });
  }
  const expected = access.token === undefined ? undefined : digest(access.token);
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, operations: true };
    });
    scope.addHook('onRequest', async (request, reply) => {
      if (access.separateListener && !viaOperationsListener.has(request.raw)) {
        return sendProblem(reply, problem('not_found', request.id));
      }
      if (expected !== undefined && !bearerMatches(request, expected)) {
        reply.header('www-authenticate', 'Bearer realm="gatehouse-operations"');
        return sendProblem(
          reply,
          problem('unauthorized', request.id, { detail: 'Send the operations token' }),
        );
      }
    });
    await scope.register(routes);
  });
}

const isOperationsPath = (url: string) => {
  const path = url.split('?', 1)[0] ?? '';
  return path === '/metrics' || path === '/docs' || path.startsWith('/docs/');
};

// Digests first, so the comparison takes the same time whatever the length offered.
const digest = (text: string) => createHash('sha256').update(text).digest();

function bearerMatches(request: FastifyRequest, expected: Buffer): boolean {
  const match = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected);
}

export interface OperationsListener {
  /** e.g. http://127.0.0.1:9464 */
  address: string;
  /** Stops accepting and closes idle connections; in-flight scrapes finish. */
  close(): Promise<void>;
}

/**
 * The operations listener: a second HTTP server on `host:port` whose requests go through the
 * same app (hooks, errors, metrics), marked so only the operations area answers them.
 */
export async function listenForOperations(
  app: FastifyInstance,
  host: string,
  port: number,
): Promise<OperationsListener> {
  const server = createServer((request, response) => {
    viaOperationsListener.add(request);
    app.routing(request, response);
  });
  server.on('clientError', answerClientError.bind(app));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const shown = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    address: `http://${shown}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
