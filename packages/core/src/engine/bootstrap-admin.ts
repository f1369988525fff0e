import { SYSTEM_ROLES } from '../access/index.js';
import { EmailTakenError } from '../accounts/user-repository.js';
import { DEFAULT_TENANT } from '../kernel/tenant.js';
import type { AuthEngineParts } from './parts.js';

/**
 * GATEHOUSE_BOOTSTRAP_ADMIN_*: the first system admin (default tenant), created once —
 * an existing account with that email is left as it is (never re-promoted or reset).
 */
export async function ensureBootstrapAdmin(parts: AuthEngineParts): Promise<void> {
  const admin = parts.config.bootstrapAdmin;
  if (!admin || (await parts.users.findByEmail(DEFAULT_TENANT, admin.email))) return;
  try {
    const user = await parts.users.create({
      tenant: DEFAULT_TENANT,
      email: admin.email,
      emailVerified: true,
      roles: [...SYSTEM_ROLES],
      passwordHash: await parts.hasher.hash(admin.password),
    });
    parts.audit.emit({ type: 'user.bootstrap_admin_created', tenant: DEFAULT_TENANT, userId: user.id });
  } catch (error) {
    if (!(error instanceof EmailTakenError)) throw error; // another instance made it first
  }
}
