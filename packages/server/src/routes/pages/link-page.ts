import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthEngine, Failure, RequestContext } from '@gatehouse/core';
import { statusOf } from '../../errors/problem.js';
import { pageCsp } from '../../pages/html-page.js';
import { incompleteLinkPage, type PasswordRules } from '../../pages/page-parts.js';
import { contextForCode } from '../auth/one-time-codes.js';

/**
 * What the pages a mail links to share: GET shows the form and consumes nothing (mail
 * scanners open links); POST to the same address first checks the link and where the form
 * came from, then hands the form to the page. Each page says only what is its own.
 */

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

/** A posted form whose link was checked: its token, the caller under the token's tenant. */
export interface LinkSubmission {
  token: string;
  ctx: RequestContext;
  fields: URLSearchParams;
}

export interface LinkPage {
  path: string;
  summaries: { get: string; post: string };
  /** The form as the link first opens it. */
  form(): string;
  /** The form again, saying that another site sent it. */
  foreignForm(fields: URLSearchParams): string;
  /** The link is invalid, expired or used. */
  unusable(): string;
  submit(submission: LinkSubmission, reply: FastifyReply): Promise<FastifyReply>;
}

export function registerLinkPage(app: FastifyInstance, settings: PageSettings, page: LinkPage): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const incomplete = (reply: FastifyReply) => sendPage(reply, 400, incompleteLinkPage(settings.productName));
  const schema = {
    tags: ['pages'],
    querystring: z.object({ token: z.string().optional() }),
    produces: ['text/html'],
  };

  typed.get(page.path, { schema: { ...schema, summary: page.summaries.get } }, async (request, reply) => {
    if (!linkToken(request)) return incomplete(reply);
    return sendPage(reply, 200, page.form());
  });

  typed.post(
    page.path,
    {
      schema: { ...schema, summary: page.summaries.post, consumes: ['application/x-www-form-urlencoded'] },
    },
    async (request, reply) => {
      const token = linkToken(request);
      if (!token) return incomplete(reply);
      const fields = formOf(request);
      if (sentFromElsewhere(request)) return sendPage(reply, 403, page.foreignForm(fields));
      const ctx = contextForCode(request, { token });
      if (!ctx) return sendPage(reply, 400, page.unusable());
      return page.submit({ token, ctx, fields }, reply);
    },
  );
}

export function sendPage(reply: FastifyReply, status: number, page: string): FastifyReply {
  return reply
    .code(status)
    .header('content-security-policy', pageCsp({ forms: true }))
    .type('text/html; charset=utf-8')
    .send(page);
}

/** The link's token, from the page's own address (the forms post back to it). */
function linkToken(request: FastifyRequest): string | undefined {
  const { token } = request.query as { token?: unknown };
  return typeof token === 'string' && token.length > 0 && token.length <= 512 ? token : undefined;
}

/** The posted form; anything that is not one reads as an empty form. */
function formOf(request: FastifyRequest): URLSearchParams {
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
function sentFromElsewhere(request: FastifyRequest): boolean {
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
