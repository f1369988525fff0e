/**
 * Access rules every capability and the server share: what a recent sign-in is, who may
 * administer. The server's guards call these; they do not define them.
 */
export { isRecentSignIn, staleSignIn } from './recent-sign-in.js';
export {
  ADMIN_ROLE,
  SYSTEM_ROLES,
  adminAccessFailure,
  isSystemAdmin,
  secondFactorRequired,
} from './admin-access.js';
