import { tenants } from '../database/schema.js';
import type { GatehouseDb } from '../database/types.js';
import { DEFAULT_TENANT } from '../kernel/tenant.js';

export const TENANT_SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * The known tenants, held in memory so resolving a request's tenant never queries the
 * Database; re-read periodically (tenants created by another instance appear within
 * the refresh interval) and at once after a local create.
 */
export class TenantDirectory {
  private known = new Set<string>([DEFAULT_TENANT]);

  constructor(private readonly db: GatehouseDb) {}

  has(slug: string): boolean {
    return this.known.has(slug);
  }

  list(): string[] {
    return [...this.known].sort();
  }

  async refresh(): Promise<void> {
    const rows = await this.db.select({ id: tenants.id }).from(tenants);
    this.known = new Set([DEFAULT_TENANT, ...rows.map((row) => row.id)]);
  }

  /** Creates a tenant; false when it already existed. */
  async create(slug: string, name = slug): Promise<boolean> {
    if (!TENANT_SLUG.test(slug)) throw new TypeError(`Invalid tenant slug: ${JSON.stringify(slug)}`);
    const inserted = await this.db
      .insert(tenants)
      .values({ id: slug, name })
      .onConflictDoNothing()
      .returning();
    await this.refresh();
    return inserted.length > 0;
  }
}
