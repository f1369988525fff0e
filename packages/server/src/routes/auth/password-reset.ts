import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthEngine } from '@gatehouse/core';
import { problem } from '../../errors/problem.js';
import { sendProblem } from '../../plugins/error-handler.js';
import { sendFailure } from '../respond.js';
import { emailSchema, passwordSchema, problemSchema } from '../schemas.js';
import { codeInputSchemas, contextForCode, toCodeInput } from './one-time-codes.js';

/** The second factor, required when the account has one enrolled. */
const mfaSchema = z
  .object({ method: z.enum(['totp', 'backup_code', 'sms']), code: z.string().max(64) })
  .strict()
  .optional();

/** POST /auth/password/forgot and /auth/password/reset. */
export async function passwordResetRoutes(app: FastifyInstance, engine: AuthEngine): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.post(
    '/password/forgot',
    {
      schema: {
        tags: ['auth'],
        summary: 'Request a password reset (always 202, same shape and timing for unknown emails)',
        body: z.object({ email: emailSchema }).strict(),
        response: {
          202: z.object({ status: z.literal('accepted') }),
          400: problemSchema,
          429: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const result = await engine.account.requestPasswordReset(request.body.email, request.context());
      if (!result.ok) return sendFailure(request, reply, result);
      return reply.code(202).send({ status: 'accepted' as const });
    },
  );

  const [byToken, byEmail, byId] = codeInputSchemas('resetId');
  const withPassword = { password: passwordSchema, mfa: mfaSchema };
  typed.post(
    '/password/reset',
    {
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with the emailed link token or code; ends every session',
        description:
          '`{ token, password }`, `{ email, code, password }` or `{ resetId, code, password }`, plus ' +
          '`mfa: { method, code }` when the account has a second factor.',
        body: z.union([
          byToken.extend(withPassword),
          byEmail.extend(withPassword),
          byId.extend(withPassword),
        ]),
        response: {
          200: z.object({ status: z.literal('password_reset') }),
          400: problemSchema,
          429: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const input = toCodeInput(request.body, 'resetId');
      const ctx = contextForCode(request, input);
      if (!ctx) return sendProblem(reply, problem('invalid_or_expired_token', request.id));
      const { password, mfa } = request.body;
      const result = await engine.account.resetPassword({ ...input, password, mfa }, ctx);
      if (!result.ok) return sendFailure(request, reply, result);
      return { status: 'password_reset' as const };
    },
  );

  typed.post(
    '/password/reset/sms-code',
    {
      schema: {
        tags: ['auth'],
        summary: 'Send an SMS code for a password reset of an account whose second factor is SMS',
        description:
          'The reset link token or code authorises the send (checked, not consumed); the code then ' +
          'goes into `mfa: { method: "sms", code }` of POST /auth/password/reset.',
        body: z.union([byToken, byEmail, byId]),
        response: {
          202: z.object({ status: z.literal('code_sent') }),
          400: problemSchema,
          403: problemSchema,
          404: problemSchema,
          429: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const input = toCodeInput(request.body, 'resetId');
      const ctx = contextForCode(request, input);
      if (!ctx) return sendProblem(reply, problem('invalid_or_expired_token', request.id));
      const result = await engine.account.sendResetSmsCode(input, ctx);
      if (!result.ok) return sendFailure(request, reply, result);
      return reply.code(202).send({ status: 'code_sent' as const });
    },
  );
}
