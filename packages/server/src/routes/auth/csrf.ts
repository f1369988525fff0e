import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * GET /auth/csrf (cookie mode only; API.md "Browser (cookie) mode"): callable before login.
 * Sets the CSRF cookie (the browser's secret) when the browser has none and answers the token
 * every mutating request with a Gatehouse cookie must send in `x-csrf-token`.
 */
export async function csrfRoutes(app: FastifyInstance): Promise<void> {
  const browser = app.browserSessions;
  if (!browser) return;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/csrf',
    {
      schema: {
        tags: ['auth'],
        summary: 'A CSRF token for this browser (cookie mode), and the CSRF cookie',
        response: { 200: z.object({ csrfToken: z.string() }) },
      },
    },
    async (request, reply) => ({ csrfToken: browser.issueCsrfToken(request, reply) }),
  );
}
