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
