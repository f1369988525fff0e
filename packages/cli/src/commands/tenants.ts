import { TENANT_SLUG, TenantDirectory, openDatabase } from '@gatehouse/core';
import { loadServerConfig } from '@gatehouse/server';
import type { Output } from '../output.js';

/** `gatehouse tenants create <slug> [name]` and `gatehouse tenants list`. */
export async function tenantsCommand(args: string[], env: NodeJS.ProcessEnv, out: Output): Promise<number> {
  const [action, slug, ...name] = args;
  if (!(action === 'list' || (action === 'create' && slug))) {
    out.error('Usage: gatehouse tenants create <slug> [name] | gatehouse tenants list');
    return 2;
  }
  if (action === 'create' && !TENANT_SLUG.test(slug ?? '')) {
    out.error(
      `Invalid tenant slug ${JSON.stringify(slug)}: use lower-case letters, digits and dashes (max 63).`,
    );
    return 2;
  }
  const { config } = await loadServerConfig(env);
  const database = await openDatabase({
    databaseUrl: config.storage.databaseUrl,
    dataDir: config.storage.dataDir,
  });
  try {
    await database.migrate();
    const tenants = new TenantDirectory(database.db);
    if (action === 'create' && slug) {
      const created = await tenants.create(slug, name.join(' ') || slug);
      out.info(created ? `Created tenant ${slug}.` : `Tenant ${slug} already exists.`);
    } else {
      await tenants.refresh();
      for (const tenant of tenants.list()) out.info(tenant);
    }
    if (!config.tenancy.multiTenant)
      out.info('Note: tenancy is off (GATEHOUSE_MULTI_TENANT=true turns it on).');
    return 0;
  } finally {
    await database.close();
  }
}
