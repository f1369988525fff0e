import type { UserRepository, UserRow } from './user-repository.js';

/**
 * The account, if it exists in the tenant and is active: a disabled, locked or deleted
 * account acts no more, whatever token or job still names it. Each caller decides what the
 * absence answers (`unauthorized` for a signed-in caller, nothing for a job, ...).
 */
export async function activeUser(
  users: Pick<UserRepository, 'findById'>,
  tenant: string,
  userId: string,
): Promise<UserRow | undefined> {
  const user = await users.findById(tenant, userId);
  return user?.status === 'active' ? user : undefined;
}
