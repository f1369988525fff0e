/**
 * The protected upstream: a bare node:http app that trusts the identity headers nginx
 * sets, answers them back, and records every request it received.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface EchoApp {
  port: number;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export async function startEchoApp(): Promise<EchoApp> {
  const seen: SeenRequest[] = [];
  const server = createServer((request, response) => {
    seen.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers });
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        path: request.url,
        userId: request.headers['x-user-id'] ?? null,
        roles: request.headers['x-user-roles'] ?? null,
        sessionId: request.headers['x-session-id'] ?? null,
        tenantId: request.headers['x-tenant-id'] ?? null,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    async close() {
      // nginx keeps connections to its upstream alive: end them instead of waiting.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
