export { normalizeEmail, emailLocalPart, emailDomain } from '../kernel/email.js';
export {
  UserRepository,
  EmailTakenError,
  isUuid,
  type UserRow,
  type UserStatus,
  type NewUser,
} from './user-repository.js';
export {
  UserDirectory,
  USER_LIST_LIMITS,
  decodeUserCursor,
  isDeletedUser,
  type UserListQuery,
  type UserPage,
} from './user-directory.js';
