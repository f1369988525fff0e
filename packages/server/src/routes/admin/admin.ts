import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isSystemAdmin, type AuthEngine } from '@gatehouse/core';
import { adminCaller, requireAdmin } from '../../plugins/auth-guard.js';
import { problem } from '../../errors/problem.js';
import { sendProblem } from '../../plugins/error-handler.js';
import { sendFailure } from '../respond.js';
import { noContent, problemSchema } from '../schemas.js';
import { adminUserRoutes } from './users.js';

/**
 * `/admin/*` for a tenant's admins (role `admin` in the token's tenant). One guard for
 * the whole area (registered as a hook, not matched by path). The users routes live in
 * users.ts; tenants and keys (system admin only) are here.
 */
export async function adminRoutes(app: FastifyInstance, engine: AuthEngine): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireAdmin(engine));
  // Same scope, so the hook above guards the users routes too.
  await adminUserRoutes(app, engine);

  // Tenants and keys are the whole installation's: only its system admins manage them.
  const systemAdminOnly = (request: FastifyRequest) => isSystemAdmin(request.auth!.claims);
  const tenantSchema = z.object({ id: z.string(), name: z.string() });

  typed.get(
    '/tenants',
    {
      schema: {
        tags: ['admin'],
        summary: 'List tenants (system admin)',
        security: [{ bearer: [] }],
        response: {
          200: z.object({ items: z.array(tenantSchema), nextCursor: z.null() }),
          403: problemSchema,
        },
      },
    },
    async (request, reply) => {
      if (!systemAdminOnly(request)) return sendProblem(reply, problem('forbidden', request.id));
      await engine.tenants.refresh();
      return { items: engine.tenants.list().map((id) => ({ id, name: id })), nextCursor: null };
    },
  );

  typed.post(
    '/tenants',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create a tenant (system admin)',
        security: [{ bearer: [] }],
        body: z
          .object({
            id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
            name: z.string().trim().min(1).max(200).optional(),
          })
          .strict(),
        response: { 201: tenantSchema, 403: problemSchema, 409: problemSchema },
      },
    },
    async (request, reply) => {
      if (!systemAdminOnly(request)) return sendProblem(reply, problem('forbidden', request.id));
      const { id, name } = request.body;
      if (!(await engine.admin.createTenant(adminCaller(request), id, name ?? id, request.context())))
        return sendProblem(reply, problem('conflict', request.id));
      return reply.code(201).send({ id, name: name ?? id });
    },
  );

  typed.post(
    '/keys/rotate',
    {
      schema: {
        tags: ['admin'],
        summary: 'Rotate signing keys: next becomes current, current retires after its grace',
        security: [{ bearer: [] }],
        response: { 204: noContent, 401: problemSchema, 403: problemSchema, 409: problemSchema },
      },
    },
    async (request, reply) => {
      // Keys sign for every tenant: only admins of the system (default) tenant rotate them.
      if (!systemAdminOnly(request)) return sendProblem(reply, problem('forbidden', request.id));
      // 409 rotation_too_soon (with retry-after) while the next key may not be loaded everywhere.
      const rotation = await engine.admin.rotateKeys(adminCaller(request), request.context());
      if (!rotation.ok) return sendFailure(request, reply, rotation);
      return reply.code(204).send(null);
    },
  );
}
