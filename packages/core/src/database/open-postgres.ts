import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { schema } from './schema.js';
import { MIGRATION_LOCK_ID, migrationsFolder } from './migrations.js';
import { guardDatabaseCall } from './unavailable.js';
import type { Database, SqlClient } from './types.js';
import { redactUrl } from '../util/redact-url.js';
import { configDefaults } from '../config/defaults.js';

export interface PostgresOptions {
  url: string;
  /** Connections per instance (config `storage.databasePoolSize`). */
  poolSize?: number;
  /** Config `storage.databaseConnectTimeoutMs`. */
  connectTimeoutMs?: number;
}

const { databasePoolSize, databaseConnectTimeoutMs } = configDefaults.storage;

export async function openPostgresDatabase(options: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? databasePoolSize,
    connectionTimeoutMillis: options.connectTimeoutMs ?? databaseConnectTimeoutMs,
    application_name: 'gatehouse',
  });
  // An idle client that loses its connection emits 'error'; the next query reports it.
  pool.on('error', () => undefined);
  const db = drizzle({ client: pool, schema });
  const sql: SqlClient = {
    query: (text, params) => guardDatabaseCall(() => pool.query(text, params)) as never,
  };
  return {
    kind: 'postgres',
    location: redactUrl(options.url),
    db,
    sql,
    migrate: () => guardDatabaseCall(() => migrateWithLock(options.url)),
    ping: async () => {
      await sql.query('select 1');
    },
    close: () => pool.end(),
  };
}

/** Instances starting together take turns: the first migrates, the others find nothing to do. */
async function migrateWithLock(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: 'gatehouse-migrate' });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await migrate(drizzle({ client, schema }), { migrationsFolder });
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await client.end();
  }
}
