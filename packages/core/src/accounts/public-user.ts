import type { PublicUser } from '../kernel/public-user.js';
import type { UserRow } from './user-repository.js';

export function toPublicUser(user: UserRow, mfaEnabled = false): PublicUser {
  return {
    id: user.id,
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    name: user.name,
    status: user.status,
    roles: user.roles,
    mfaEnabled,
    createdAt: user.createdAt.toISOString(),
  };
}
