/**
 * The kernel: the vocabulary every capability shares (outcomes, the signed-in caller, the
 * request context, the default tenant, the common parts). It imports nothing above it.
 */
export * from './outcome.js';
export * from './parts.js';
export * from './passkey-assertion.js';
export * from './email.js';
export * from './public-user.js';
export * from './request-context.js';
export * from './signed-in.js';
export * from './tenant.js';
export * from './signed-in-failure.js';
