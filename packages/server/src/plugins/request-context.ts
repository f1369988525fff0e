import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  AuthError,
  DEFAULT_TENANT,
  createRequestContext,
  MAX_USER_AGENT_LENGTH,
  type CallerContext,
  type RequestContext,
  type TenantDirectory,
} from '@gatehouse/core';

declare module 'fastify' {
  interface FastifyRequest {
    /** The engine's view of the caller; resolved on first use (see tenantOf). */
    context(): RequestContext;
    /**
     * The context of a request whose credential names its own tenant (a refresh token:
     * API.md "refresh tokens carry their tenant themselves"), so no x-tenant-id is needed.
     * Null when tenancy is on and x-tenant-id names another tenant: a credential of one
     * tenant never works in another.
     */
    contextFor(tenant: string): RequestContext | null;
    /**
     * The caller of a request whose credential names its own tenant, before the engine has
     * read it: x-tenant-id travels as `namedTenant` (tenancy on) and must agree with it.
     */
    caller(): CallerContext;
  }
}

/**
 * Every engine call gets an explicit RequestContext: client IP (through trusted proxies
 * only), user agent, request id and tenant. With tenancy off the tenant is `default`
 * and `x-tenant-id` is ignored; with it on, an unknown or missing tenant is 400
 * `unknown_tenant` (bearer routes may take it from the token instead, see auth-guard).
 */
export function registerRequestContext(
  app: FastifyInstance,
  tenants: TenantDirectory,
  multiTenant: boolean,
): void {
  app.decorateRequest('context', function (this: FastifyRequest) {
    return createRequestContext({
      ip: this.ip,
      userAgent: this.headers['user-agent'],
      requestId: this.id,
      tenant: tenantOf(this, tenants, multiTenant),
    });
  });
  app.decorateRequest('caller', function (this: FastifyRequest): CallerContext {
    const named = this.headers['x-tenant-id'];
    return {
      ip: this.ip,
      userAgent: (this.headers['user-agent'] ?? '').slice(0, MAX_USER_AGENT_LENGTH),
      requestId: this.id,
      namedTenant: multiTenant && typeof named === 'string' ? named : undefined,
    };
  });
  app.decorateRequest('contextFor', function (this: FastifyRequest, tenant: string) {
    const named = this.headers['x-tenant-id'];
    if (multiTenant && typeof named === 'string' && named !== tenant) return null;
    return createRequestContext({
      ip: this.ip,
      userAgent: this.headers['user-agent'],
      requestId: this.id,
      tenant: multiTenant ? tenant : DEFAULT_TENANT,
    });
  });
}

export function tenantOf(request: FastifyRequest, tenants: TenantDirectory, multiTenant: boolean): string {
  if (!multiTenant) return DEFAULT_TENANT;
  if (request.auth) return request.auth.tenant; // bearer routes: the token's tenant (checked by the guard)
  const header = request.headers['x-tenant-id'];
  if (typeof header === 'string' && tenants.has(header)) return header;
  throw new AuthError('unknown_tenant', 'Send a known tenant in x-tenant-id');
}
