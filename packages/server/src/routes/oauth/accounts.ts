import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthEngine } from '@gatehouse/core';
import { requireUser, signedInUser } from '../../plugins/auth-guard.js';
import { sendFailure } from '../respond.js';
import { factorFailures, noContent, problemSchema } from '../schemas.js';
import type { BindingCookie } from './binding-cookie.js';
import { codeChallengeSchema, providerParams, redirectToSchema } from './sign-in.js';

const accountSchema = z.object({
  id: z.string(),
  provider: z.string(),
  email: z.string().nullable(),
  createdAt: z.string(),
});

// Link also answers 503 when the provider's discovery document cannot be loaded.
const failures = { ...factorFailures, 503: problemSchema };

/** POST /:provider/link, GET /accounts, DELETE /accounts/:id: the caller's linked identities. */
export async function oauthAccountRoutes(
  app: FastifyInstance,
  engine: AuthEngine,
  cookie: BindingCookie,
): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const signedIn = requireUser(engine);

  typed.post(
    '/:provider/link',
    {
      preHandler: signedIn,
      schema: {
        tags: ['oauth'],
        summary: 'Link a provider to the signed-in user (step-up): the URL to send the browser to',
        description:
          'Sets the gh_oauth binding cookie: open `authorizationUrl` in the browser that made this call. The callback redirects to `redirectTo` with `?linked=<provider>` or `?error=`. `codeChallenge` is accepted and unused (a link hands no code back).',
        security: [{ bearer: [] }],
        params: providerParams,
        body: z
          .object({ redirectTo: redirectToSchema, codeChallenge: codeChallengeSchema.optional() })
          .strict(),
        response: { 200: z.object({ authorizationUrl: z.string() }), ...failures },
      },
    },
    async (request, reply) => {
      const input = { redirectTo: request.body.redirectTo };
      const result = await engine.oauth.beginLink(
        signedInUser(request),
        request.params.provider,
        input,
        request.context(),
      );
      if (!result.ok) return sendFailure(request, reply, result);
      return cookie.set(reply, result.binding).send({ authorizationUrl: result.authorizationUrl });
    },
  );

  typed.get(
    '/accounts',
    {
      preHandler: signedIn,
      schema: {
        tags: ['oauth'],
        summary: "The caller's linked provider identities",
        security: [{ bearer: [] }],
        response: { 200: z.object({ accounts: z.array(accountSchema) }), 401: problemSchema },
      },
    },
    async (request) => ({
      accounts: await engine.oauth.listAccounts(signedInUser(request), request.context()),
    }),
  );

  typed.delete(
    '/accounts/:id',
    {
      preHandler: signedIn,
      schema: {
        tags: ['oauth'],
        summary: 'Unlink a provider identity (step-up); 409 last_sign_in_method for the last way in',
        security: [{ bearer: [] }],
        params: z.object({ id: z.string().max(64) }),
        response: { 204: noContent, ...failures },
      },
    },
    async (request, reply) => {
      const result = await engine.oauth.unlink(signedInUser(request), request.params.id, request.context());
      if (!result.ok) return sendFailure(request, reply, result);
      return reply.code(204).send(null);
    },
  );
}
