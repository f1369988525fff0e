import type { UserRow } from './user-repository.js';

/** The `user` object of API.md: what a client may see of an account. */
export interface PublicUser {
  id: string;
  email: string;
  emailVerified: boolean;
  name: string | null;
  status: string;
  roles: string[];
  mfaEnabled: boolean;
  createdAt: string;
}

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
