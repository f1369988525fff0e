import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthEngine } from '@gatehouse/core';
import { sendFailure } from '../respond.js';
import {
  emailSchema,
  mfaRequiredSchema,
  passwordSchema,
  problemSchema,
  tokenPairSchema,
  userSchema,
} from '../schemas.js';
import { sendSignIn } from '../sign-in-answer.js';

/** POST /auth/register and /auth/login. */
export async function credentialRoutes(app: FastifyInstance, engine: AuthEngine): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.post(
    '/register',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an account (enumeration-safe by default)',
        body: z
          .object({
            email: emailSchema,
            password: passwordSchema,
            // PostgreSQL text cannot hold NUL: refuse it here rather than fail the insert.
            name: z
              .string()
              .trim()
              .max(200)
              .refine((name) => !name.includes('\u0000'), 'must not contain NUL characters')
              .optional(),
          })
          .strict(),
        response: {
          201: z.object({ user: userSchema }),
          202: z.object({ status: z.literal('verification_sent') }),
          400: problemSchema,
          403: problemSchema,
          409: problemSchema,
          429: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const result = await engine.signIn.register(request.body, request.context());
      if (!result.ok) return sendFailure(request, reply, result);
      if (result.status === 'created') return reply.code(201).send({ user: result.user });
      return reply.code(202).send({ status: 'verification_sent' as const });
    },
  );

  typed.post(
    '/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password',
        // No length cap on the password here: API.md wants an over-long one answered 401
        // invalid_credentials without hashing (the engine checks it before any Argon2 work),
        // and the 64 KiB body limit already bounds it.
        body: z.object({ email: z.string().max(320), password: z.string() }).strict(),
        response: {
          200: z.union([tokenPairSchema, mfaRequiredSchema]),
          401: problemSchema,
          403: problemSchema,
          423: problemSchema,
          429: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const result = await engine.signIn.login(request.body, request.context());
      return sendSignIn(request, reply, result);
    },
  );
}
