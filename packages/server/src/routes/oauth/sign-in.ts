import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_REDIRECT_LENGTH, type AuthEngine } from '@gatehouse/core';
import { sendFailure } from '../respond.js';
import { mfaRequiredSchema, problemSchema, tokenPairSchema } from '../schemas.js';
import type { BindingCookie } from './binding-cookie.js';
import { sendSignIn } from '../sign-in-answer.js';

export const providerParams = z.object({ provider: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/) });
export const redirectToSchema = z.string().min(1).max(MAX_REDIRECT_LENGTH);
/** S256 of the app's verifier: 43 base64url characters. */
export const codeChallengeSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be an S256 PKCE challenge');

/** GET /:provider/authorize, GET /:provider/callback, POST /exchange (API.md "OAuth / social login"). */
export async function oauthSignInRoutes(
  app: FastifyInstance,
  engine: AuthEngine,
  cookie: BindingCookie,
): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const { config } = engine.gatehouse;
  const redirects = config.server.redirectOrigins.join(', ');

  typed.get(
    '/:provider/authorize',
    {
      schema: {
        tags: ['oauth'],
        summary: 'Start a sign-in at a provider: 302 there, with the gh_oauth binding cookie',
        description: `\`redirectTo\`: an absolute URL on an allowed origin (${redirects}). \`codeChallenge\`: S256 of the app's PKCE verifier, sent again as \`codeVerifier\` to POST /oauth/exchange.`,
        params: providerParams,
        querystring: z.object({ redirectTo: redirectToSchema, codeChallenge: codeChallengeSchema }),
        response: { 400: problemSchema, 404: problemSchema, 429: problemSchema, 503: problemSchema },
      },
    },
    async (request, reply) => {
      const { provider } = request.params;
      const result = await engine.oauth.authorize(provider, request.query, request.context());
      if (!result.ok) return sendFailure(request, reply, result);
      return cookie.set(reply, result.binding).redirect(result.authorizationUrl, 302);
    },
  );

  typed.get(
    '/:provider/callback',
    {
      schema: {
        tags: ['oauth'],
        summary: "The provider's redirect back: 302 to redirectTo with ?code=, ?linked= or ?error=",
        description:
          'Needs the gh_oauth cookie set by authorize (or link). Without a known attempt of this browser there is nowhere vetted to redirect to: 400 `oauth_failed` with a `reason`.',
        params: providerParams,
        response: { 400: problemSchema, 404: problemSchema, 429: problemSchema },
      },
    },
    async (request, reply) => {
      const result = await engine.oauth.callback(
        {
          providerId: request.params.provider,
          callbackUrl: new URL(request.url, config.server.publicUrl),
          binding: cookie.read(request),
        },
        request.caller(),
      );
      if (!result.ok) return sendFailure(request, reply, result);
      return cookie.clear(reply).redirect(result.location, 302);
    },
  );

  typed.post(
    '/exchange',
    {
      schema: {
        tags: ['oauth'],
        summary: "Redeem the callback's one-time code with the app's PKCE verifier; may answer mfaRequired",
        body: z
          .object({ code: z.string().min(1).max(128), codeVerifier: z.string().min(1).max(128) })
          .strict(),
        response: {
          200: z.union([tokenPairSchema, mfaRequiredSchema]),
          400: problemSchema,
          403: problemSchema,
          423: problemSchema,
          429: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const result = await engine.oauth.exchange(request.body, request.caller());
      return sendSignIn(request, reply, result);
    },
  );
}
