import type { UserRow } from '../accounts/user-repository.js';
import type { UserRepository } from '../accounts/user-repository.js';

/** API.md `/users/profile`: exactly these fields, nothing else is writable there. */
export interface Profile {
  name: string | null;
  locale: string | null;
}

export type ProfileUpdate = Partial<Profile>;

export const profileOf = (user: UserRow): Profile => ({ name: user.name, locale: user.locale });

export async function updateProfile(
  users: UserRepository,
  tenant: string,
  userId: string,
  update: ProfileUpdate,
): Promise<Profile | undefined> {
  const user = await users.updateProfile(tenant, userId, update);
  return user && user.status !== 'deleted' ? profileOf(user) : undefined;
}
