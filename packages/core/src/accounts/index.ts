export { normalizeEmail, emailLocalPart, emailDomain } from './email.js';
export {
  UserRepository,
  EmailTakenError,
  isUuid,
  type UserRow,
  type UserStatus,
  type NewUser,
} from './user-repository.js';
