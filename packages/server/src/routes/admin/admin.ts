import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DEFAULT_TENANT, toPublicUser, type AuthEngine, type UserRow } from '@gatehouse/core';
import { requireAdmin } from '../../plugins/auth-guard.js';
import { problem } from '../../errors/problem.js';
import { sendProblem } from '../../plugins/error-handler.js';
import { noContent, problemSchema, userSchema } from '../schemas.js';

const userParams = z.object({ id: z.string().uuid() });
const SYSTEM_ROLES = ['user', 'admin'] as const;

/**
 * `/admin/*` for a tenant's admins (role `admin` in the token's tenant). One guard for
 * the whole area (registered as a hook, not matched by path). Users of another tenant
 * are 404, exactly like missing ones.
 */
export async function adminRoutes(app: FastifyInstance, engine: AuthEngine): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireAdmin(engine));
  const userResponse = {
    200: z.object({ user: userSchema }),
    400: problemSchema,
    401: problemSchema,
    403: problemSchema,
    404: problemSchema,
  };
  const reply404 = (request: FastifyRequest, reply: FastifyReply) =>
    sendProblem(reply, problem('not_found', request.id));
  const answer = (user: UserRow | undefined, request: FastifyRequest, reply: FastifyReply) =>
    user ? reply.send({ user: toPublicUser(user) }) : reply404(request, reply);

  typed.put(
    '/users/:id/roles',
    {
      schema: {
        tags: ['admin'],
        summary: "Replace a user's roles (bumps the role version and ends the user's sessions)",
        security: [{ bearer: [] }],
        params: userParams,
        body: z.object({ roles: z.array(z.enum(SYSTEM_ROLES)).min(1).max(16) }).strict(),
        response: userResponse,
      },
    },
    async (request, reply) =>
      answer(
        await engine.setRoles(
          request.auth!.actingTenant,
          request.params.id,
          request.body.roles,
          request.context(),
        ),
        request,
        reply,
      ),
  );

  for (const status of ['disable', 'enable'] as const) {
    typed.put(
      `/users/:id/${status}`,
      {
        schema: {
          tags: ['admin'],
          summary: status === 'disable' ? 'Disable an account and end its sessions' : 'Enable an account',
          security: [{ bearer: [] }],
          params: userParams,
          response: userResponse,
        },
      },
      async (request, reply) =>
        answer(
          await engine.setStatus(
            request.auth!.actingTenant,
            request.params.id,
            status === 'disable' ? 'disabled' : 'active',
            request.context(),
          ),
          request,
          reply,
        ),
    );
  }

  typed.put(
    '/users/:id/unlock',
    {
      schema: {
        tags: ['admin'],
        summary: 'Lift a login lockout',
        security: [{ bearer: [] }],
        params: userParams,
        response: userResponse,
      },
    },
    async (request, reply) => {
      const user = await engine.users.findById(request.auth!.actingTenant, request.params.id);
      if (!user) return reply404(request, reply);
      await engine.unlock(request.auth!.actingTenant, user, request.context());
      return reply.send({ user: toPublicUser(user) });
    },
  );

  const systemAdminOnly = (request: FastifyRequest) => request.auth!.tenant === DEFAULT_TENANT;
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
      if (!(await engine.tenants.create(id, name ?? id)))
        return sendProblem(reply, problem('conflict', request.id));
      engine.audit.emit({
        type: 'tenant.created',
        tenant: id,
        userId: request.auth!.claims.sub,
        requestId: request.id,
        ip: request.ip,
      });
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
        response: { 204: noContent, 401: problemSchema, 403: problemSchema },
      },
    },
    async (request, reply) => {
      // Keys sign for every tenant: only admins of the system (default) tenant rotate them.
      if (!systemAdminOnly(request)) return sendProblem(reply, problem('forbidden', request.id));
      await engine.gatehouse.keyring.rotate();
      engine.audit.emit({
        type: 'keys.rotated',
        tenant: request.auth!.tenant,
        userId: request.auth!.claims.sub,
        requestId: request.id,
        ip: request.ip,
      });
      return reply.code(204).send(null);
    },
  );
}
