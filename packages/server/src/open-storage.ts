import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  openDatabase,
  openGatehouse,
  type Gatehouse,
  type GatehouseConfig,
  type OpenGatehouseOptions,
} from '@gatehouse/core';

/**
 * openGatehouse with the slow steps of a start announced as they begin: opening the database
 * (the embedded one loads a WebAssembly PostgreSQL and, the first time, creates its data
 * directory) and applying migrations take seconds, which a silent console makes look like a
 * hang. The database is opened here, so the Gatehouse returned also closes it.
 */
export async function openGatehouseWithProgress(
  config: GatehouseConfig,
  logger: Logger,
  options: Omit<OpenGatehouseOptions, 'database' | 'migrate'>,
): Promise<Gatehouse> {
  const { databaseUrl, dataDir } = config.storage;
  // Never the URL itself: it may hold a password.
  logger.info(
    databaseUrl
      ? 'Connecting to PostgreSQL (DATABASE_URL)...'
      : existsSync(join(dataDir, 'pglite'))
        ? `Opening the embedded database in ${dataDir}...`
        : `Creating the embedded database in ${dataDir} (first start only; it takes some seconds)...`,
  );
  let started = performance.now();
  const database = await openDatabase({ databaseUrl, dataDir });
  try {
    logger.info(`Database open (${database.location}) in ${since(started)}; applying migrations...`);
    started = performance.now();
    await database.migrate();
    logger.info(`Migrations applied in ${since(started)}`);
    const gatehouse = await openGatehouse(config, { ...options, database, migrate: false });
    return {
      ...gatehouse,
      close: async () => {
        try {
          await gatehouse.close();
        } finally {
          await database.close();
        }
      },
    };
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
}

function since(started: number): string {
  const ms = performance.now() - started;
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
