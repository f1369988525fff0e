import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  openGatehouse,
  type Gatehouse,
  type GatehouseConfig,
  type OpenGatehouseOptions,
} from '@gatehouse/core';

/**
 * openGatehouse, announced: opening the database (the embedded one loads a WebAssembly
 * PostgreSQL and, the first time, creates its data directory) and applying the migrations
 * take seconds, which a silent console makes look like a hang.
 */
export async function openGatehouseWithProgress(
  config: GatehouseConfig,
  logger: Logger,
  options: OpenGatehouseOptions,
): Promise<Gatehouse> {
  const { databaseUrl, dataDir } = config.storage;
  // Never the URL itself: it may hold a password.
  const opening = databaseUrl
    ? 'Connecting to PostgreSQL (DATABASE_URL)'
    : existsSync(join(dataDir, 'pglite'))
      ? `Opening the embedded database in ${dataDir}`
      : `Creating the embedded database in ${dataDir} (first start only; it takes some seconds)`;
  logger.info(`${opening} and applying migrations...`);
  const started = performance.now();
  const gatehouse = await openGatehouse(config, options);
  const ms = performance.now() - started;
  const took = ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
  logger.info(`Database ready (${gatehouse.database.location}, migrations applied) in ${took}`);
  return gatehouse;
}
