import Fastify from 'fastify';
import { gatehouse } from '@gatehouse/fastify';
import type { RemoteVerifierOptions } from '@gatehouse/core';
import { describeMiddlewareContract, type MountedApp } from './helpers/middleware-contract.js';

/** A Fastify app with the plugin and the contract's three routes, listening on a loopback port. */
async function mountFastify(options: RemoteVerifierOptions): Promise<MountedApp> {
  const app = Fastify();
  await app.register(gatehouse, options);
  app.get('/me', { preHandler: app.gatehouse.requireAuth }, async (request) => request.gatehouseAuth);
  app.get('/admin', { preHandler: app.gatehouse.requireRole('admin') }, async () => ({ ok: true }));
  app.get('/sensitive', { preHandler: app.gatehouse.requireStepUp() }, async () => ({ ok: true }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

// Multi-tenant here, single-tenant in the Express package: together they cover both kinds of token.
describeMiddlewareContract('Fastify', mountFastify, { multiTenant: true });
