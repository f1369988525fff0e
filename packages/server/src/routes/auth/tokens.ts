import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthEngine } from '@gatehouse/core';
import { authenticate, requireUser } from '../../plugins/auth-guard.js';
import { noContent, problemSchema, sessionSchema, toIso, tokenPairSchema, userSchema } from '../schemas.js';
import { problem } from '../../errors/problem.js';
import { sendProblem } from '../../plugins/error-handler.js';
import { sendSignIn } from '../sign-in-answer.js';

/**
 * A presented refresh token: any string (the 64 KiB body limit bounds it). Whether it is
 * one of ours is the engine's call, so every unusable token, empty or 10 KB long, is the
 * same 401 `invalid_refresh_token` on refresh and the same 204 on revoke (API.md: "204
 * always"); only a body that is not `{ refreshToken: string }` is a 400.
 */
const presentedRefreshToken = z.string();

/**
 * Refresh answers after which the presented token can never work again (its session was
 * ended for it). `invalid_refresh_token` is not among them: it also answers a request that
 * named another tenant, which must not cost the browser its session.
 */
const DEAD_REFRESH: ReadonlySet<string> = new Set(['refresh_token_reused', 'device_mismatch']);

/** Refresh, revoke, logout, me and the gateway check. */
export async function tokenRoutes(app: FastifyInstance, engine: AuthEngine): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const signedIn = requireUser(engine);
  const browser = app.browserSessions;
  // In cookie mode a browser sends no body: its refresh token is in its cookie.
  const presented = browser
    ? z.object({ refreshToken: presentedRefreshToken.optional() }).strict().nullish()
    : z.object({ refreshToken: presentedRefreshToken }).strict();
  /** The body's refresh token, else (cookie mode) the browser's cookie; '' when neither. */
  const refreshTokenOf = (request: FastifyRequest): string => {
    const body = request.body as { refreshToken?: string } | null | undefined;
    return body?.refreshToken ?? browser?.refreshTokenOf(request) ?? '';
  };

  typed.post(
    '/refresh',
    {
      schema: {
        tags: ['auth'],
        summary: 'Rotate the refresh token and get a new access token',
        body: presented,
        response: { 200: tokenPairSchema, 401: problemSchema, 409: problemSchema, 429: problemSchema },
      },
    },
    async (request, reply) => {
      const result = await engine.sessions.refresh(refreshTokenOf(request), request.caller());
      // A dead refresh token leaves the browser; a lost race (409) or a limit (429) keeps it.
      if (!result.ok && DEAD_REFRESH.has(result.code)) browser?.clearRefreshCookie(request, reply);
      return sendSignIn(request, reply, result);
    },
  );

  typed.post(
    '/revoke',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke a refresh token (RFC 7009 style; always 204)',
        body: presented,
        response: { 204: noContent },
      },
    },
    async (request, reply) => {
      const token = refreshTokenOf(request);
      await engine.sessions.revoke(token, request.caller());
      // The cookie goes only when it held the token revoked (not for another session's token).
      if (browser && token === browser.refreshTokenOf(request)) browser.clearRefreshCookie(request, reply);
      return reply.code(204).send(null);
    },
  );

  typed.post(
    '/logout',
    {
      preHandler: signedIn,
      schema: {
        tags: ['auth'],
        summary: "End the bearer's session (a refresh token of another session is ignored)",
        security: [{ bearer: [] }],
        // API.md: "the body may be absent". Fastify hands an absent body to the schema as
        // null (not undefined), so `.optional()` alone made a bare logout a 400.
        body: z.object({ refreshToken: presentedRefreshToken.optional() }).strict().nullish(),
        response: { 204: noContent, 401: problemSchema },
      },
    },
    async (request, reply) => {
      await engine.sessions.logout(request.auth!.claims, request.context());
      browser?.clearRefreshCookie(request, reply);
      return reply.code(204).send(null);
    },
  );

  typed.post(
    '/logout-all',
    {
      preHandler: signedIn,
      schema: {
        tags: ['auth'],
        summary: 'End every session of the user',
        security: [{ bearer: [] }],
        response: { 204: noContent, 401: problemSchema },
      },
    },
    async (request, reply) => {
      await engine.sessions.logoutAll(request.auth!.claims, request.context());
      browser?.clearRefreshCookie(request, reply);
      return reply.code(204).send(null);
    },
  );

  typed.get(
    '/me',
    {
      preHandler: signedIn,
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user and session',
        security: [{ bearer: [] }],
        response: { 200: z.object({ user: userSchema, session: sessionSchema }), 401: problemSchema },
      },
    },
    async (request, reply) => {
      const auth = request.auth!;
      const [user, session] = await Promise.all([
        engine.account.me(auth.tenant, auth.claims.sub),
        auth.session ?? engine.sessions.getSession(auth.tenant, auth.claims.sub, auth.claims.sid),
      ]);
      if (!user || !session) return sendProblem(reply, problem('invalid_token', request.id));
      return {
        user,
        session: {
          id: session.id,
          current: true,
          createdAt: toIso(session.createdAt),
          lastSeenAt: toIso(session.lastSeenAt),
          ip: session.ip,
          userAgent: session.userAgent,
          amr: session.amr,
        },
      };
    },
  );

  // Forward-auth for gateways: it only answers a question and grants nothing.
  typed.route({
    method: ['GET', 'HEAD'],
    url: '/verify-token',
    schema: {
      tags: ['auth'],
      summary: 'Gateway check: 204 with identity headers, or 401',
      security: [{ bearer: [] }],
      querystring: z.object({ mode: z.enum(['jwt', 'hybrid', 'strict']).optional() }).strict(),
      response: { 204: noContent, 400: problemSchema, 401: problemSchema },
    },
    handler: async (request, reply) => {
      const auth = await authenticate(engine, request, request.query.mode);
      reply
        .header('x-user-id', auth.claims.sub)
        .header('x-session-id', auth.claims.sid)
        .header('x-user-roles', auth.claims.roles.join(','));
      if (auth.claims.tid) reply.header('x-tenant-id', auth.claims.tid);
      return reply.code(204).send(null);
    },
  });
}
