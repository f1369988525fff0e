import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthEngine } from '@gatehouse/core';
import { requireUser, signedInUser } from '../../plugins/auth-guard.js';
import { sendFailure } from '../respond.js';
import { emailSchema, problemSchema, userSchema } from '../schemas.js';

const failures = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 429: problemSchema };

/** POST /users/email/change and /users/email/confirm: an identity change, so both need step-up. */
export async function emailChangeRoutes(app: FastifyInstance, engine: AuthEngine): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const signedIn = requireUser(engine);
  const who = signedInUser;

  typed.post(
    '/email/change',
    {
      preHandler: signedIn,
      schema: {
        tags: ['users'],
        summary: 'Send a confirmation code to a new address (step-up; 202 whether or not it is taken)',
        security: [{ bearer: [] }],
        body: z.object({ newEmail: emailSchema }).strict(),
        response: { 202: z.object({ status: z.literal('accepted') }), ...failures },
      },
    },
    async (request, reply) => {
      const result = await engine.account.requestEmailChange(
        who(request),
        request.body.newEmail,
        request.context(),
      );
      if (!result.ok) return sendFailure(request, reply, result);
      return reply.code(202).send({ status: 'accepted' as const });
    },
  );

  typed.post(
    '/email/confirm',
    {
      preHandler: signedIn,
      schema: {
        tags: ['users'],
        summary: 'Confirm the new address with its code; other sessions end and the old address is told',
        security: [{ bearer: [] }],
        body: z.object({ code: z.string().min(1).max(32) }).strict(),
        response: { 200: z.object({ user: userSchema }), ...failures, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const result = await engine.account.confirmEmailChange(
        who(request),
        request.body.code,
        request.context(),
      );
      if (!result.ok) return sendFailure(request, reply, result);
      return { user: result.user };
    },
  );
}
