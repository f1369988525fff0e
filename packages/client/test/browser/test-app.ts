/**
 * A tiny web app on the Gatehouse server's own origin, for the real-browser tests: the page
 * (app.html), its script (client-page.js) and the SDK's browser build (packages/client/dist).
 * Same origin as the API, so cookie mode works without CORS.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isAbsolute, relative, resolve } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const CLIENT_DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/**
 * The server's own CSP is `default-src 'none'` (a JSON API loads nothing); the app's pages
 * need their own scripts and calls to the API. Helmet sets its header in an onRequest hook,
 * so the handler's header replaces it.
 */
export const APP_CSP = "default-src 'self'; script-src 'self'; connect-src 'self'";

/** The app's routes; add them before the server is ready. */
export function addTestApp(app: FastifyInstance): void {
  if (!existsSync(`${CLIENT_DIST}index.js`)) {
    throw new Error(`${CLIENT_DIST}index.js is missing: build first (node scripts/build.mjs)`);
  }
  app.get('/test/app.html', (_request, reply) =>
    send(reply, resolve(HERE, 'app.html'), 'text/html; charset=utf-8'),
  );
  app.get('/test/client-page.js', (_request, reply) =>
    send(reply, resolve(HERE, 'client-page.js'), 'text/javascript; charset=utf-8'),
  );
  // Browsers ask for one on their own; a 404 would show as an error in the page's console.
  app.get('/favicon.ico', (_request, reply) => reply.code(204).send());
  app.get<{ Params: { '*': string } }>('/test/client/*', (request, reply) => {
    const file = resolve(CLIENT_DIST, request.params['*']);
    const inside = relative(CLIENT_DIST, file);
    if (inside.startsWith('..') || isAbsolute(inside) || !file.endsWith('.js') || !existsSync(file)) {
      return reply.code(404).send({ error: 'not found' });
    }
    return send(reply, file, 'text/javascript; charset=utf-8');
  });
}

async function send(reply: FastifyReply, file: string, type: string): Promise<FastifyReply> {
  return reply
    .header('content-security-policy', APP_CSP)
    .header('cache-control', 'no-store')
    .type(type)
    .send(await readFile(file));
}
