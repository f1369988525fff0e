/** Administration of accounts: status changes, session revocation, roles, factor resets. */
export { AdminFlows, type AdminCaller, type AdminParts } from './admin-flows.js';
export type { AccountStatusAction, AdminUserView } from './account-status.js';
