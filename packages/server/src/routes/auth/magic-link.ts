import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { allowedRedirect, MAX_REDIRECT_LENGTH, type AuthEngine } from '@gatehouse/core';
import { problem } from '../../errors/problem.js';
import {
  CONFIRM_PAGE_CSP,
  CONFIRM_PAGE_SCRIPT,
  confirmPageHtml,
} from '../../pages/magic-link-confirm-page.js';
import { sendProblem } from '../../plugins/error-handler.js';
import { sendFailure } from '../respond.js';
import { emailSchema, mfaRequiredSchema, problemSchema, tokenPairSchema } from '../schemas.js';
import { contextForCode } from './one-time-codes.js';
import { sendSignIn } from '../sign-in-answer.js';

const failures = { 400: problemSchema, 403: problemSchema, 423: problemSchema, 429: problemSchema };

/**
 * POST /auth/magic-link and /auth/magic-link/verify, and the page the emailed link opens:
 * GET /auth/magic-link/confirm (+ its script, confirm.js). The GET never consumes the link.
 */
export async function magicLinkRoutes(app: FastifyInstance, engine: AuthEngine): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const { config } = engine.gatehouse;
  const { redirectOrigins } = config.server;
  const enabled = () => config.accounts.magicLinks.enabled;

  typed.post(
    '/magic-link',
    {
      schema: {
        tags: ['auth'],
        summary: 'Email a sign-in link (always 202, same shape and timing for unknown emails)',
        description: `\`redirectTo\`: an absolute URL on an allowed origin (${redirectOrigins.join(', ')}).`,
        body: z
          .object({
            email: emailSchema,
            redirectTo: z
              .string()
              .max(MAX_REDIRECT_LENGTH)
              .refine(
                (value) => allowedRedirect(value, redirectOrigins) !== null,
                'must be an absolute http(s) URL on an allowed origin (GATEHOUSE_REDIRECT_ORIGINS)',
              )
              .optional(),
          })
          .strict(),
        response: { 202: z.object({ status: z.literal('accepted') }), ...failures },
      },
    },
    async (request, reply) => {
      const result = await engine.magicLinks.request(request.body, request.context());
      if (!result.ok) return sendFailure(request, reply, result);
      return reply.code(202).send({ status: 'accepted' as const });
    },
  );

  typed.post(
    '/magic-link/verify',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with the emailed link token (single use); may answer mfaRequired',
        body: z.object({ token: z.string().min(1).max(512) }).strict(),
        response: { 200: z.union([tokenPairSchema, mfaRequiredSchema]), ...failures },
      },
    },
    async (request, reply) => {
      const { token } = request.body;
      // The token names its tenant; one that contradicts x-tenant-id is answered like any bad token.
      const ctx = contextForCode(request, { token });
      if (!ctx) return sendProblem(reply, problem('invalid_or_expired_token', request.id));
      const result = await engine.magicLinks.verify(token, ctx);
      return sendSignIn(request, reply, result);
    },
  );

  typed.get(
    '/magic-link/confirm',
    {
      schema: {
        tags: ['auth'],
        summary: 'The page the emailed link opens (HTML); it consumes nothing until the user confirms',
        querystring: z.object({ token: z.string().optional(), redirectTo: z.string().optional() }),
        produces: ['text/html'],
      },
    },
    async (request, reply) => {
      if (!enabled()) return sendProblem(reply, problem('forbidden', request.id));
      // Re-checked: the link's query is whatever someone typed, not what we mailed.
      const { redirectTo } = request.query;
      const target = redirectTo === undefined ? null : allowedRedirect(redirectTo, redirectOrigins);
      return reply
        .header('content-security-policy', CONFIRM_PAGE_CSP)
        .type('text/html; charset=utf-8')
        .send(confirmPageHtml(config.mail.productName, target));
    },
  );

  typed.get('/magic-link/confirm.js', { schema: { hide: true } }, async (request, reply) => {
    if (!enabled()) return sendProblem(reply, problem('forbidden', request.id));
    return reply.type('text/javascript; charset=utf-8').send(CONFIRM_PAGE_SCRIPT);
  });
}
