import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthEngine } from '@gatehouse/core';
import { problem } from '../../errors/problem.js';
import { sendProblem } from '../../plugins/error-handler.js';
import { sendFailure } from '../respond.js';
import { emailSchema, passwordSchema, problemSchema, userSchema } from '../schemas.js';
import { codeInputSchemas, contextForCode, toCodeInput } from './one-time-codes.js';

const accepted = z.object({ status: z.literal('accepted') });

/** The password the verification activates: the one chosen at sign-up, or a new one. */
const chosenPassword = { password: passwordSchema.optional(), newPassword: passwordSchema.optional() };

/** POST /auth/verify-email and /auth/verify-email/resend. */
export async function emailVerificationRoutes(app: FastifyInstance, engine: AuthEngine): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const [byToken, byEmail, byId] = codeInputSchemas('verificationId');

  typed.post(
    '/verify-email',
    {
      schema: {
        tags: ['auth'],
        summary: 'Verify an email address with the emailed link token or code',
        description:
          '`{ token }` (link strategy), `{ email, code }` (otp) or `{ verificationId, code }` (uuid), ' +
          'plus `password` (the one chosen when the address signed up) or `newPassword`. The ' +
          'claimant takes the account over with that password: everything set on the unverified ' +
          'account before is dropped. Neither: 400 password_required; a password no sign-up of ' +
          'the address chose: 400 signup_password_mismatch (the link stays usable, each try ' +
          'spends one of its attempts). Every unusable link or code is 400 invalid_or_expired_token.',
        body: z.union([
          byToken.extend(chosenPassword),
          byEmail.extend(chosenPassword),
          byId.extend(chosenPassword),
        ]),
        response: { 200: z.object({ user: userSchema }), 400: problemSchema, 429: problemSchema },
      },
    },
    async (request, reply) => {
      const input = toCodeInput(request.body, 'verificationId');
      const ctx = contextForCode(request, input);
      if (!ctx) return sendProblem(reply, problem('invalid_or_expired_token', request.id));
      const { password, newPassword } = request.body;
      const result = await engine.account.verifyEmail({ ...input, password, newPassword }, ctx);
      if (!result.ok) return sendFailure(request, reply, result);
      return { user: result.user };
    },
  );

  typed.post(
    '/verify-email/resend',
    {
      schema: {
        tags: ['auth'],
        summary: 'Send a new verification message (always 202, whatever the address)',
        body: z.object({ email: emailSchema }).strict(),
        response: { 202: accepted, 400: problemSchema, 429: problemSchema },
      },
    },
    async (request, reply) => {
      const result = await engine.account.requestVerificationEmail(request.body.email, request.context());
      if (!result.ok) return sendFailure(request, reply, result);
      return reply.code(202).send({ status: 'accepted' as const });
    },
  );
}
