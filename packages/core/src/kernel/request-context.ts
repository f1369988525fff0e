/**
 * What the engine knows about the caller, passed explicitly to every flow (never a
 * global): the client IP (already resolved through trusted proxies), the raw user
 * agent (cut at 512 characters), the request id for audit correlation, and the tenant.
 */
export interface RequestContext {
  ip: string;
  userAgent: string;
  requestId: string;
  tenant: string;
}

export const MAX_USER_AGENT_LENGTH = 512;

export function createRequestContext(input: {
  ip: string;
  userAgent?: string | undefined;
  requestId: string;
  tenant: string;
}): RequestContext {
  return {
    ip: input.ip,
    userAgent: (input.userAgent ?? '').slice(0, MAX_USER_AGENT_LENGTH),
    requestId: input.requestId,
    tenant: input.tenant,
  };
}

/**
 * The caller of a step whose credential names its own tenant (the callback's `state`, an
 * exchange code): API.md "OAuth state carries its tenant". A browser coming back from a
 * provider sends no x-tenant-id.
 */
export interface CallerContext extends Omit<RequestContext, 'tenant'> {
  /** x-tenant-id when tenancy is on; it must then name the credential's tenant. */
  namedTenant?: string | undefined;
}

/** The request context under the credential's tenant, or null when x-tenant-id names another. */
export function contextIn(caller: CallerContext, tenant: string): RequestContext | null {
  if (caller.namedTenant !== undefined && caller.namedTenant !== tenant) return null;
  const { namedTenant: _named, ...rest } = caller;
  return { ...rest, tenant };
}
