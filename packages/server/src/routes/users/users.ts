import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthEngine, Profile } from '@gatehouse/core';
import { requireUser, signedInUser } from '../../plugins/auth-guard.js';
import { problem } from '../../errors/problem.js';
import { sendProblem } from '../../plugins/error-handler.js';
import { sendFailure } from '../respond.js';
import { noContent, passwordSchema, problemSchema } from '../schemas.js';

const noNul = (value: string) => !value.includes('\u0000');
/** A display name: trimmed, bounded, no NUL (PostgreSQL text cannot hold it); null clears it. */
const nameSchema = z.string().trim().min(1).max(200).refine(noNul, 'must not contain NUL characters');
/** A BCP 47 language tag such as `en`, `pt-BR` or `zh-Hant-TW`. */
const localeSchema = z
  .string()
  .max(35)
  .regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'expected a BCP 47 language tag like en or pt-BR');
const profileSchema = z.object({ name: z.string().nullable(), locale: z.string().nullable() });

/** `/users/*`: the signed-in user's own profile, password and account. */
export async function userRoutes(app: FastifyInstance, engine: AuthEngine): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireUser(engine));
  const who = signedInUser;
  const profileReply = (profile: Profile | undefined, request: FastifyRequest, reply: FastifyReply) =>
    profile ? reply.send(profile) : sendProblem(reply, problem('unauthorized', request.id));

  typed.get(
    '/profile',
    {
      schema: {
        tags: ['users'],
        summary: "The caller's profile",
        security: [{ bearer: [] }],
        response: { 200: profileSchema, 401: problemSchema },
      },
    },
    async (request, reply) =>
      profileReply(
        await engine.account.getProfile(request.auth!.tenant, request.auth!.claims.sub),
        request,
        reply,
      ),
  );

  typed.put(
    '/profile',
    {
      schema: {
        tags: ['users'],
        summary: 'Change the profile: name and locale only (any other field is 400)',
        security: [{ bearer: [] }],
        body: z
          .object({ name: nameSchema.nullable().optional(), locale: localeSchema.nullable().optional() })
          .strict(),
        response: { 200: profileSchema, 400: problemSchema, 401: problemSchema },
      },
    },
    async (request, reply) =>
      profileReply(
        await engine.account.updateProfile(request.auth!.tenant, request.auth!.claims.sub, request.body),
        request,
        reply,
      ),
  );

  typed.post(
    '/password/change',
    {
      schema: {
        tags: ['users'],
        summary: 'Change the password; every other session ends (this one stays)',
        security: [{ bearer: [] }],
        body: z.object({ currentPassword: passwordSchema, newPassword: passwordSchema }).strict(),
        response: {
          204: noContent,
          400: problemSchema,
          401: problemSchema,
          423: problemSchema,
          429: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const result = await engine.account.changePassword(who(request), request.body, request.context());
      if (!result.ok) return sendFailure(request, reply, result);
      return reply.code(204).send(null);
    },
  );

  typed.delete(
    '/account',
    {
      preHandler: requireUser(engine),
      schema: {
        tags: ['users'],
        summary:
          'Delete the account (step-up; a password, if sent, must be right); the address stays reserved',
        security: [{ bearer: [] }],
        body: z.object({ password: passwordSchema.optional() }).strict().nullish(),
        response: {
          204: noContent,
          400: problemSchema,
          401: problemSchema,
          403: problemSchema,
          423: problemSchema,
          429: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const result = await engine.account.deleteAccount(
        who(request),
        request.body?.password,
        request.context(),
      );
      if (!result.ok) return sendFailure(request, reply, result);
      return reply.code(204).send(null);
    },
  );
}
