import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import {
  AuthError,
  adminAccessFailure,
  isSystemAdmin,
  type AccessTokenClaims,
  type AdminCaller,
  type AuthEngine,
  type Session,
  type SignedIn,
  type ValidationMode,
} from '@gatehouse/core';

export interface Authenticated {
  claims: AccessTokenClaims;
  session?: Session | undefined;
  /** The token's tenant. */
  tenant: string;
  /**
   * The tenant the request acts on: the token's, except for a system admin (an admin of
   * the default tenant) naming another tenant in `x-tenant-id` on an admin route.
   */
  actingTenant: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: Authenticated | null;
  }
}

/** The bearer token of a request, or null (no header, another scheme, or an empty token). */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer +([^\s]+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * Validates the bearer token in `mode` (default: the configured one) and sets
 * `request.auth`. With tenancy on, the token's tenant is the request's, and a request
 * naming another tenant in `x-tenant-id` is refused: a token from tenant A never works in B.
 */
export async function authenticate(
  engine: AuthEngine,
  request: FastifyRequest,
  mode?: ValidationMode,
  options: { systemAdminMayActOnOtherTenants?: boolean } = {},
): Promise<Authenticated> {
  const token = bearerToken(request);
  if (!token) throw new AuthError('unauthorized', 'Send an access token as Authorization: Bearer <token>');
  const { multiTenant } = engine.gatehouse.config.tenancy;
  const result = await engine.sessions.validate(token, mode, {
    ip: request.ip,
    userAgent: (request.headers['user-agent'] ?? '').slice(0, 512),
    requestId: request.id,
    tenant: 'default',
  });
  if (!result.ok) throw new AuthError('invalid_token', 'The access token is invalid, expired or revoked');
  const tenant = result.claims.tid ?? 'default';
  const named = request.headers['x-tenant-id'];
  if (!multiTenant || typeof named !== 'string' || named === tenant) {
    return { claims: result.claims, session: result.session, tenant, actingTenant: tenant };
  }
  if (!(options.systemAdminMayActOnOtherTenants && isSystemAdmin(result.claims))) {
    throw new AuthError('invalid_token', 'The access token belongs to another tenant');
  }
  if (!engine.tenants.has(named)) throw new AuthError('unknown_tenant', 'Send a known tenant in x-tenant-id');
  return { claims: result.claims, session: result.session, tenant, actingTenant: named };
}

/** preHandler for routes that need a signed-in user. */
export function requireUser(engine: AuthEngine): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    request.auth = await authenticate(engine, request);
  };
}

/** What an admin route tells a caller that core's admin rule refuses. */
const ADMIN_REFUSALS: Partial<Record<string, string>> = {
  forbidden: 'This needs the admin role',
  mfa_enrollment_required: 'Enrol a second factor and sign in with it to use admin routes',
};

/**
 * preHandler for `/admin/*` (the rule is core's `adminAccessFailure`): a signed-in user with the `admin` role. A tenant admin acts on
 * its own tenant; the system admin (admin of the default tenant, e.g. the bootstrap admin)
 * acts on the tenant named in `x-tenant-id`, or the default one.
 */
export function requireAdmin(engine: AuthEngine): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest) => {
    const auth = await authenticate(engine, request, undefined, { systemAdminMayActOnOtherTenants: true });
    const refused = adminAccessFailure(engine.gatehouse.config, auth.claims);
    if (refused) throw new AuthError(refused.code, ADMIN_REFUSALS[refused.code] ?? 'Not allowed');
    request.auth = auth;
  };
}

/** The acting administrator of a request that passed `requireAdmin` (audited by core). */
export function adminCaller(request: FastifyRequest): AdminCaller {
  const auth = request.auth;
  if (!auth) throw new AuthError('unauthorized', 'Send an access token as Authorization: Bearer <token>');
  return { userId: auth.claims.sub, tenant: auth.tenant };
}

/**
 * The signed-in caller of a request that passed `requireUser` (flows' `SignedIn`), with the
 * token's `auth_time`: flows that change a factor or an identity check it themselves.
 */
export function signedInUser(request: FastifyRequest): SignedIn {
  const auth = request.auth;
  if (!auth) throw new AuthError('unauthorized', 'Send an access token as Authorization: Bearer <token>');
  return { userId: auth.claims.sub, sessionId: auth.claims.sid, authTime: auth.claims.auth_time };
}

/**
 * The signed-in user of a request that may carry a bearer (POST /auth/mfa/verify finishes
 * login and step-up challenges alike): none without a usable bearer, so a stale token never
 * gets in the way of a login; the engine refuses a step-up challenge without one.
 */
export async function optionalSignedInUser(
  engine: AuthEngine,
  request: FastifyRequest,
): Promise<SignedIn | undefined> {
  if (!bearerToken(request)) return undefined;
  try {
    request.auth = await authenticate(engine, request);
  } catch (error) {
    if (error instanceof AuthError && error.code === 'invalid_token') return undefined;
    throw error; // a backend outage fails closed
  }
  return signedInUser(request);
}
