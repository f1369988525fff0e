import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BackendUnavailableError, isDatabaseUnavailable, type AuthEngine } from '@gatehouse/core';
import { html, renderPage } from '../../pages/html-page.js';
import { SERVICE_TROUBLE } from '../../pages/page-parts.js';
import { pageSettings, registerLinkPage, sendPage } from './link-page.js';
import { resetPasswordLinkPage } from './reset-password.js';
import { verifyEmailLinkPage } from './verify-email.js';

/**
 * The pages the account mails link to, at the root (`/verify-email`, `/reset-password`,
 * under `mail.appUrl`, which defaults to the public URL): server-rendered HTML with plain
 * forms that post back to the page's own address, so they work with JavaScript off and
 * the CSP allows no script at all. This scope alone parses form bodies (the API stays
 * JSON only), never caches, and answers its own errors as pages.
 */
export async function registerAccountPages(app: FastifyInstance, engine: AuthEngine): Promise<void> {
  const { server } = engine.gatehouse.config;
  const settings = pageSettings(engine);
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: server.authBodyLimitBytes },
      (_request, body, done) => done(null, new URLSearchParams(body as string)),
    );
    scope.addHook('onRequest', async (_request, reply) => {
      reply.header('cache-control', 'no-store');
    });
    scope.setErrorHandler((error: FastifyError, request, reply) => answerError(error, request, reply));
    registerLinkPage(scope, settings, resetPasswordLinkPage(engine, settings));
    registerLinkPage(scope, settings, verifyEmailLinkPage(engine, settings));
  });
}

function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const unavailable = error instanceof BackendUnavailableError || isDatabaseUnavailable(error);
  const status = unavailable ? 503 : error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
  if (status >= 500) request.log.error({ err: error }, 'page request failed');
  const words =
    status === 413
      ? 'The form was too large. Go back, and enter only what the page asks for.'
      : status < 500
        ? 'The form could not be read. Open the link from the email again, and fill in the page there.'
        : SERVICE_TROUBLE;
  const heading = status < 500 ? 'The form could not be sent' : 'Something went wrong';
  const body = html`<main>
    <h1>${heading}</h1>
    <p>${words}</p>
    <p>Reference: ${request.id}</p>
  </main>`;
  return sendPage(reply, status, renderPage({ title: `Error: ${heading}`, body }));
}
