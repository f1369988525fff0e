import { tenants } from '../database/schema.js';
import type { GatehouseDb } from '../database/types.js';

import { DEFAULT_TENANT } from '../kernel/tenant.js';

/** Creates the default tenant and the configured ones (idempotent; safe for instances starting together). */
export async function ensureTenants(db: GatehouseDb, slugs: readonly string[]): Promise<void> {
  const ids = [...new Set([DEFAULT_TENANT, ...slugs])];
  await db
    .insert(tenants)
    .values(ids.map((id) => ({ id, name: id })))
    .onConflictDoNothing();
}
