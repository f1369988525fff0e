/** The tenant every installation has; single-tenant deployments only ever use this one. */
export const DEFAULT_TENANT = 'default';
