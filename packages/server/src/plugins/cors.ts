import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** CORS only for the configured origins (exact match); none configured = no CORS headers at all. */
export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  const wildcard = origins.includes('*');
  await app.register(cors, {
    origin: wildcard ? '*' : [...origins],
    // Credentials only to named origins; a wildcard with credentials is what attackers hope for.
    credentials: !wildcard,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'],
    allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'x-tenant-id', 'x-csrf-token'],
    exposedHeaders: ['x-request-id', 'retry-after'],
    maxAge: 600,
  });
}
