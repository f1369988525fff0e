import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  USER_LIST_LIMITS,
  decodeUserCursor,
  toPublicUser,
  type AuthEngine,
  type RequestContext,
  type UserRow,
  type AdminCaller,
  SYSTEM_ROLES,
} from '@gatehouse/core';
import { adminCaller } from '../../plugins/auth-guard.js';
import { problem } from '../../errors/problem.js';
import { sendProblem } from '../../plugins/error-handler.js';
import { noContent, problemSchema, toIso, userSchema } from '../schemas.js';

const userParams = z.object({ id: z.string().uuid() });

const { min, max } = USER_LIST_LIMITS;
const LIMIT_MESSAGE = `Use a whole number from ${min} to ${max}`;

// An empty value (`?cursor=&limit=`, as forms and URL templates send) means "not given".
const listQuery = z.object({
  // Checked here, so a cursor that is not ours is a 400 with `errors[]`, never a 500.
  cursor: z
    .string()
    .refine((cursor) => cursor === '' || decodeUserCursor(cursor) !== null, 'The cursor is malformed')
    .transform((cursor) => cursor || undefined)
    .optional()
    .describe("The previous page's nextCursor"),
  limit: z
    .string()
    .regex(/^\d{0,3}$/, LIMIT_MESSAGE)
    .transform((limit) => (limit === '' ? undefined : Number(limit)))
    .refine((limit) => limit === undefined || (limit >= min && limit <= max), LIMIT_MESSAGE)
    .optional()
    .describe(`Page size, ${min} to ${max} (default ${USER_LIST_LIMITS.default})`),
  q: z
    .string()
    .max(254)
    .refine((q) => !q.includes('\u0000'), 'The search term contains a NUL character')
    .optional()
    .describe('Case-insensitive substring of the email or name, matched literally'),
});

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

/** GET /admin/users/:id: the account and the login throttle's hold on its address. */
const adminUserView = z.object({
  user: userSchema,
  lockedOut: z.boolean().describe('Locked out by failed logins: every attempt is 423, until lockedUntil'),
  lockedUntil: z.string().nullable(),
  throttled: z.boolean().describe('Failed logins from at least one client network: attempts from it are 429'),
  throttledUntil: z.string().nullable().describe('When the last of those throttles ends'),
});
const userResponse = { 200: z.object({ user: userSchema }), ...errors };

type StatusChange = (
  admin: AdminCaller,
  tenant: string,
  id: string,
  ctx: RequestContext,
) => Promise<UserRow | undefined>;

/**
 * `/admin/users/*`, registered inside the admin scope (its `requireAdmin` hook applies).
 * Everything acts on `actingTenant`; a user of another tenant, a deleted one and a missing
 * one are the same 404.
 */
export async function adminUserRoutes(app: FastifyInstance, engine: AuthEngine): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    sendProblem(reply, problem('not_found', request.id));
  const publicUser = async (user: UserRow) =>
    toPublicUser(user, (await engine.admin.usersWithFactors([user.id])).has(user.id));
  const answer = async (user: UserRow | undefined, request: FastifyRequest, reply: FastifyReply) =>
    user ? reply.send({ user: await publicUser(user) }) : notFound(request, reply);
  const schema = (summary: string) => ({ tags: ['admin'], summary, security: [{ bearer: [] }] });

  typed.get(
    '/users',
    {
      schema: {
        ...schema("List the tenant's accounts, newest first (q: substring of email or name)"),
        querystring: listQuery,
        response: {
          200: z.object({ items: z.array(userSchema), nextCursor: z.string().nullable() }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { cursor, limit, q } = request.query;
      const page = await engine.admin.listUsers(request.auth!.actingTenant, { cursor, limit, q });
      const withFactors = await engine.admin.usersWithFactors(page.items.map((user) => user.id));
      return {
        items: page.items.map((user) => toPublicUser(user, withFactors.has(user.id))),
        nextCursor: page.nextCursor,
      };
    },
  );

  typed.get(
    '/users/:id',
    {
      schema: {
        ...schema('One account, and whether the login throttle holds its address, until when'),
        params: userParams,
        response: { 200: adminUserView, ...errors },
      },
    },
    async (request, reply) => {
      const view = await engine.admin.getUser(request.auth!.actingTenant, request.params.id);
      if (!view) return notFound(request, reply);
      const until = (ms: number) => (ms > 0 ? toIso(engine.gatehouse.clock.now() + ms) : null);
      return reply.send({
        user: await publicUser(view.user),
        lockedOut: view.lockedOut,
        lockedUntil: until(view.lockedForMs),
        throttled: view.throttled,
        throttledUntil: until(view.throttledForMs),
      });
    },
  );

  typed.put(
    '/users/:id/roles',
    {
      schema: {
        ...schema("Replace a user's roles (bumps the role version and ends the user's sessions)"),
        params: userParams,
        body: z.object({ roles: z.array(z.enum(SYSTEM_ROLES)).min(1).max(16) }).strict(),
        response: userResponse,
      },
    },
    async (request, reply) => {
      const { actingTenant } = request.auth!;
      const roles = request.body.roles;
      const user = await engine.admin.setRoles(
        adminCaller(request),
        actingTenant,
        request.params.id,
        roles,
        request.context(),
      );
      return answer(user, request, reply);
    },
  );

  const statusRoutes: [string, string, StatusChange][] = [
    [
      'lock',
      'Lock an account until unlocked, and end its sessions',
      engine.admin.lockUser.bind(engine.admin),
    ],
    [
      'unlock',
      "Lift an admin's lock, any login lockout and every login throttle of the address",
      engine.admin.unlockUser.bind(engine.admin),
    ],
    ['disable', 'Disable an account and end its sessions', engine.admin.disableUser.bind(engine.admin)],
    ['enable', 'Enable a disabled account', engine.admin.enableUser.bind(engine.admin)],
  ];
  for (const [action, summary, change] of statusRoutes) {
    typed.put(
      `/users/:id/${action}`,
      { schema: { ...schema(summary), params: userParams, response: userResponse } },
      async (request, reply) => {
        const user = await change(
          adminCaller(request),
          request.auth!.actingTenant,
          request.params.id,
          request.context(),
        );
        return answer(user, request, reply);
      },
    );
  }

  typed.delete(
    '/users/:id/sessions',
    {
      schema: {
        ...schema('End every session of a user'),
        params: userParams,
        response: { 204: noContent, ...errors },
      },
    },
    async (request, reply) => {
      const { actingTenant } = request.auth!;
      const revoked = await engine.admin.revokeUserSessions(
        adminCaller(request),
        actingTenant,
        request.params.id,
        request.context(),
      );
      if (revoked === undefined) return notFound(request, reply);
      return reply.code(204).send(null);
    },
  );

  typed.delete(
    '/users/:id/mfa',
    {
      schema: {
        ...schema(
          "Remove every second factor of a user (audited; the user's sessions end, the user is told)",
        ),
        params: userParams,
        response: { 204: noContent, ...errors },
      },
    },
    async (request, reply) => {
      const { actingTenant } = request.auth!;
      const reset = await engine.admin.resetFactors(
        adminCaller(request),
        actingTenant,
        request.params.id,
        request.context(),
      );
      if (!reset) return notFound(request, reply);
      return reply.code(204).send(null);
    },
  );
}
