import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { schema } from './schema.js';

/** Drizzle over either backend: the same SQL everywhere. */
export type GatehouseDb = PgDatabase<PgQueryResultHKT, typeof schema>;

/** The raw query surface both `pg.Pool` and PGlite offer (used by the SQL StateStore). */
export interface SqlClient {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

export type DatabaseKind = 'postgres' | 'pglite';

/** The Database port: durable, relational records. */
export interface Database {
  readonly kind: DatabaseKind;
  /** Where it lives, safe to print (no password). */
  readonly location: string;
  readonly db: GatehouseDb;
  readonly sql: SqlClient;
  /** Applies pending migrations; safe to call from several instances at once. */
  migrate(): Promise<void>;
  /** Throws BackendUnavailableError when the database cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
