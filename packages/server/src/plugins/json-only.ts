import type { FastifyInstance } from 'fastify';

/**
 * The API speaks JSON only. Fastify also parses text/plain by default; without that
 * parser a body of any other type is refused with 415 before a handler runs.
 */
export function acceptJsonOnly(app: FastifyInstance): void {
  app.removeContentTypeParser(['text/plain']);
}
