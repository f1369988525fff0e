import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthEngine } from '@gatehouse/core';
import { requireUser } from '../../plugins/auth-guard.js';
import { problem } from '../../errors/problem.js';
import { sendProblem } from '../../plugins/error-handler.js';
import { noContent, problemSchema, sessionSchema, toIso } from '../schemas.js';

/** The caller's own sessions: list, revoke one (404 for anyone else's), revoke all others. */
export async function sessionRoutes(app: FastifyInstance, engine: AuthEngine): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireUser(engine));

  typed.get(
    '/',
    {
      schema: {
        tags: ['sessions'],
        summary: "The caller's sessions, newest first",
        security: [{ bearer: [] }],
        response: { 200: z.object({ sessions: z.array(sessionSchema) }), 401: problemSchema },
      },
    },
    async (request) => {
      const { tenant, claims } = request.auth!;
      const sessions = await engine.sessions.listSessions(tenant, claims.sub);
      return {
        sessions: sessions.map((session) => ({
          id: session.id,
          current: session.id === claims.sid,
          createdAt: toIso(session.createdAt),
          lastSeenAt: toIso(session.lastSeenAt),
          ip: session.ip,
          userAgent: session.userAgent,
          amr: session.amr,
        })),
      };
    },
  );

  typed.delete(
    '/:id',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Revoke one of your sessions',
        security: [{ bearer: [] }],
        params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) }),
        response: { 204: noContent, 401: problemSchema, 404: problemSchema },
      },
    },
    async (request, reply) => {
      const { tenant, claims } = request.auth!;
      // The session key is built from the caller's own tenant and id: another user's
      // session id simply names nothing here.
      const revoked = await engine.sessions.revokeSession(tenant, claims.sub, request.params.id);
      if (!revoked) return sendProblem(reply, problem('not_found', request.id));
      return reply.code(204).send(null);
    },
  );

  typed.delete(
    '/',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Revoke all your sessions but the current one',
        security: [{ bearer: [] }],
        response: { 204: noContent, 401: problemSchema },
      },
    },
    async (request, reply) => {
      const { tenant, claims } = request.auth!;
      await engine.sessions.revokeUserSessions(tenant, claims.sub, { except: claims.sid });
      return reply.code(204).send(null);
    },
  );
}
