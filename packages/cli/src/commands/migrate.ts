import { openDatabase } from '@gatehouse/core';
import { loadServerConfig } from '@gatehouse/server';
import type { Output } from '../output.js';

/**
 * Applies pending migrations. Against PostgreSQL it can run beside live servers
 * (migrations are serialised by an advisory lock); the embedded database can be held
 * by one process only, so while `gatehouse serve` runs this stops with a clear message
 * (the server migrates at start anyway).
 */
export async function migrateCommand(env: NodeJS.ProcessEnv, out: Output): Promise<void> {
  const { config } = await loadServerConfig(env);
  const { storage } = config;
  const database = await openDatabase({ databaseUrl: storage.databaseUrl, dataDir: storage.dataDir });
  try {
    out.info(`Migrating ${database.kind} database at ${database.location} ...`);
    const started = performance.now();
    await database.migrate();
    out.info(`Migrations applied in ${Math.round(performance.now() - started)} ms.`);
  } finally {
    await database.close();
  }
}
