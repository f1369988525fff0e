import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import {
  createConfig,
  openGatehouse,
  openPgliteDatabase,
  type Gatehouse,
  type GatehouseConfigInput,
} from '@gatehouse/core';
import { buildApp } from '../../src/app.js';

export interface TestServer {
  app: FastifyInstance;
  gatehouse: Gatehouse;
  close(): Promise<void>;
}

/**
 * A real engine on embedded backends (in-memory PGlite, SQL StateStore on it) and
 * the real app, not yet `ready()` so a test may add routes first.
 */
export async function createTestServer(
  input: GatehouseConfigInput = {},
  options: { logger?: FastifyBaseLogger } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-server-'));
  const config = createConfig({
    environment: 'test',
    secret: randomBytes(32).toString('base64'),
    ...input,
    storage: { dataDir, ...input.storage },
    server: { logLevel: 'silent', ...input.server },
  });
  const gatehouse = await openGatehouse(config, { database: await openPgliteDatabase() });
  const app = await buildApp(gatehouse, options);
  return {
    app,
    gatehouse,
    async close() {
      await app.close();
      await gatehouse.close();
      await gatehouse.database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
