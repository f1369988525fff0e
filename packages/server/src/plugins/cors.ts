import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/**
 * CORS only for the configured origins (exact match); none configured = no CORS headers at
 * all. A request from any other origin gets no CORS header either (not even the allowed
 * methods), so nothing hints at what a trusted origin could do. Every answer varies by
 * Origin, so a shared cache never hands one origin's answer to another.
 */
export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  const wildcard = origins.includes('*');
  const trusted: FastifyCorsOptions = {
    // Credentials only to named origins; a wildcard with credentials is what attackers hope for.
    credentials: !wildcard,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'],
    allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'x-tenant-id', 'x-csrf-token'],
    exposedHeaders: ['x-request-id', 'retry-after', 'x-csrf-token'],
    maxAge: 600,
  };
  await app.register(cors, {
    delegator: (request, callback) => {
      const origin = request.headers.origin;
      if (wildcard) return callback(null, { ...trusted, origin: '*' });
      const known = origin !== undefined && origins.includes(origin);
      callback(null, known ? { ...trusted, origin } : { origin: false });
    },
  });
  app.addHook('onSend', async (_request, reply) => {
    if (!wildcard) reply.header('vary', varyWithOrigin(reply.getHeader('vary')));
  });
}

function varyWithOrigin(current: unknown): string {
  const values = typeof current === 'string' ? current.split(',').map((v) => v.trim()) : [];
  return values.some((v) => v.toLowerCase() === 'origin')
    ? values.join(', ')
    : [...values, 'Origin'].filter(Boolean).join(', ');
}
