import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

// Swagger UI needs its own scripts, styles and inline data images; nothing from elsewhere.
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The server package's version (src/ and dist/ sit at the same depth below it). */
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const DESCRIPTION = [
  'Gatehouse, a self-hosted authentication server.',
  '',
  'The HTTP reference — conventions, errors and their codes, every endpoint with its bodies and answers — ' +
    'is `docs/http-api.md` in the Gatehouse source tree. This document is generated from the route schemas.',
  '',
  'Errors are RFC 9457 problem documents (`application/problem+json`) with a stable `code` and the ' +
    '`requestId` of the `x-request-id` header.',
].join('\n');

/** A plain "G" for the browser tab instead of the framework's icon. */
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f2937"/>' +
  '<text x="16" y="23" font-family="sans-serif" font-size="20" font-weight="700" fill="#fff" text-anchor="middle">G</text></svg>';

/**
 * The OpenAPI 3.1 document, generated from the route schemas. Registered on the root
 * before any route so it sees them all; served by `registerDocsUi`.
 */
export async function registerOpenApi(app: FastifyInstance, publicUrl: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Gatehouse', version: VERSION, description: DESCRIPTION },
      servers: [{ url: publicUrl }],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
}

/**
 * `/docs` (Swagger UI) and `/docs/json`, inside the operations area (operations.ts). The UI
 * shows the document's own title and version: no framework top bar or logo.
 */
export async function registerDocsUi(scope: FastifyInstance): Promise<void> {
  await scope.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    transformStaticCSP: () => DOCS_CSP,
    // BaseLayout is Swagger UI without its top bar (logo and "explore" box).
    uiConfig: { deepLinking: false, layout: 'BaseLayout' },
    // null (not undefined): the plugin would otherwise embed its own logo in the page script.
    logo: null as unknown as undefined,
    theme: {
      title: 'Gatehouse API',
      favicon: [
        { filename: 'favicon.svg', rel: 'icon', type: 'image/svg+xml', sizes: 'any', content: FAVICON },
      ],
    },
  });
}
