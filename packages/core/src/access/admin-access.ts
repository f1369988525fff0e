import type { GatehouseConfig } from '../config/index.js';
import { fail, type Failure } from '../kernel/outcome.js';
import { DEFAULT_TENANT } from '../kernel/tenant.js';
import type { AccessTokenClaims } from '../tokens/claims.js';

/** The role that opens the admin API. */
export const ADMIN_ROLE = 'admin';

/** The roles every installation has; a user holds `user`, an administrator also `admin`. */
export const SYSTEM_ROLES = ['user', ADMIN_ROLE] as const;

/** `mfa.policy`: whether an account with these roles must sign in with a second factor. */
export function secondFactorRequired(
  config: Pick<GatehouseConfig, 'mfa'>,
  roles: readonly string[],
): boolean {
  const { policy } = config.mfa;
  return policy === 'all' || (policy === 'admins' && roles.includes(ADMIN_ROLE));
}

/**
 * The system admin: an admin of the default tenant (e.g. the bootstrap admin). It may act on
 * another tenant by naming it; a tenant's own admin acts on its tenant only.
 */
export function isSystemAdmin(claims: AccessTokenClaims): boolean {
  return (claims.tid ?? DEFAULT_TENANT) === DEFAULT_TENANT && claims.roles.includes(ADMIN_ROLE);
}

/**
 * Who may administer: a session with the admin role and, unless `mfa.policy` is 'optional',
 * signed in with a second factor (403 `forbidden`, then 403 `mfa_enrollment_required`).
 */
export function adminAccessFailure(
  config: Pick<GatehouseConfig, 'mfa'>,
  claims: AccessTokenClaims,
): Failure | undefined {
  if (!claims.roles.includes(ADMIN_ROLE)) return fail('forbidden');
  // mfa.policy 'admins'/'all': an admin session without a second factor may not administer.
  if (config.mfa.policy !== 'optional' && !claims.amr.includes('mfa')) return fail('mfa_enrollment_required');
  return undefined;
}
