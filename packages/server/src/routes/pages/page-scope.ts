import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  BackendUnavailableError,
  isDatabaseUnavailable,
  pageCsp,
  renderPage,
  html,
  SERVICE_TROUBLE,
  type AuthEngine,
  type Failure,
  type PasswordRules,
} from '@gatehouse/core';
import { statusOf } from '../../errors/problem.js';
import { resetPasswordPageRoutes } from './reset-password.js';
import { verifyEmailPageRoutes } from './verify-email.js';

/**
 * The pages the account mails link to, at the root (`/verify-email`, `/reset-password`,
 * under `mail.appUrl`, which defaults to the public URL): server-rendered HTML with plain
 * forms that post back to the page's own address, so they work with JavaScript off and
 * the CSP allows no script at all. This scope alone parses form bodies (the API stays
 * JSON only), never caches, and answers its own errors as pages.
 */
export async function registerAccountPages(app: FastifyInstance, engine: AuthEngine): Promise<void> {
  const { server } = engine.gatehouse.config;
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
    await resetPasswordPageRoutes(scope, engine);
    await verifyEmailPageRoutes(scope, engine);
  });
}

export interface PageSettings {
  productName: string;
  rules: PasswordRules;
}

export function pageSettings(engine: AuthEngine): PageSettings {
  const { mail, passwords } = engine.gatehouse.config;
  return {
    productName: mail.productName,
    rules: { minLength: passwords.minLength, maxLength: passwords.maxLength },
  };
}

export function sendPage(reply: FastifyReply, status: number, page: string): FastifyReply {
  return reply
    .code(status)
    .header('content-security-policy', pageCsp({ forms: true }))
    .type('text/html; charset=utf-8')
    .send(page);
}

/** The link's token, from the page's own address (the forms post back to it). */
export function linkToken(request: FastifyRequest): string | undefined {
  const { token } = request.query as { token?: unknown };
  return typeof token === 'string' && token.length > 0 && token.length <= 512 ? token : undefined;
}

/** The posted form; anything that is not one reads as an empty form. */
export function formOf(request: FastifyRequest): URLSearchParams {
  return request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
}

/**
 * A form another site made the browser send. Nothing these forms do signs anyone in, and
 * only someone holding the link could fill them, but a page's forms are for the page.
 * Browsers with Fetch Metadata say where a request comes from (Sec-Fetch-Site), and that
 * settles it. Older ones send Origin, which must be this host; but `Origin: null` is what
 * these very pages send (their referrer policy is no-referrer, which keeps the link's
 * token out of every Referer), so null tells nothing.
 */
export function sentFromElsewhere(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  try {
    // The request's host read with the origin's scheme, so a default port compares equal.
    const sender = new URL(origin);
    return new URL(`${sender.protocol}//${request.host}`).host !== sender.host;
  } catch {
    return true;
  }
}

/** A page's status for an engine failure: 401 means "sign in" to a browser, so 400 instead. */
export function pageStatus(failure: Failure): number {
  const status = statusOf(failure.code);
  return status === 401 ? 400 : status;
}

export function retryAfter(reply: FastifyReply, failure: Failure): void {
  if (failure.retryAfterSeconds !== undefined) reply.header('retry-after', String(failure.retryAfterSeconds));
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
