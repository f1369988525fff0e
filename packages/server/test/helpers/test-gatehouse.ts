import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import {
  AuthEngine,
  MemoryAuditSink,
  createConfig,
  openGatehouse,
  type Gatehouse,
  type GatehouseConfigInput,
  type Clock,
  type OutboxEntry,
} from '@gatehouse/core';
import { openMemoryDatabase } from '../../../core/test/helpers/memory-database.js';
import { buildApp } from '../../src/app.js';
import { engineLinks } from '../../src/routes/links.js';
import { storesOf } from './stores.js';

export interface TestServer {
  app: FastifyInstance;
  gatehouse: Gatehouse;
  engine: AuthEngine;
  /** Every audit event the engine emitted (call `engine.audit.flush()` first). */
  auditEvents: MemoryAuditSink;
  /** A verified, active user with this password. */
  createUser(
    email: string,
    password: string,
    options?: { roles?: string[]; tenant?: string },
  ): Promise<string>;
  /** Messages the outbox holds for `to`, newest first, once every queued job has run. */
  outbox(to: string): Promise<OutboxEntry[]>;
  close(): Promise<void>;
}

/**
 * Argon2id at its cheapest (8 KiB, one pass): for servers that hash and verify passwords
 * but measure no time. A test of the real cost or of timing sets `passwords.argon2` itself.
 */
export const CHEAP_ARGON2 = { argon2: { memoryKiB: 8, iterations: 1, parallelism: 1 } } as const;

/**
 * A real engine on embedded backends (in-memory PGlite, SQL StateStore on it) and
 * the real app, not yet `ready()` so a test may add routes first. Password hashing is
 * the cheapest Argon2id unless `input.passwords.argon2` says otherwise.
 */
export async function createTestServer(
  input: GatehouseConfigInput = {},
  options: { logger?: FastifyBaseLogger; clock?: Clock } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-server-'));
  const config = createConfig({
    environment: 'test',
    secret: randomBytes(32).toString('base64'),
    ...input,
    passwords: { ...input.passwords, argon2: { ...CHEAP_ARGON2.argon2, ...input.passwords?.argon2 } },
    // Fast polling and retries so tests wait milliseconds for mail, not seconds.
    jobs: { pollIntervalMs: 20, backoffBaseMs: 20, ...input.jobs },
    storage: { dataDir, ...input.storage },
    server: { logLevel: 'silent', ...input.server },
  });
  const gatehouse = await openGatehouse(config, {
    database: await openMemoryDatabase(),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const auditEvents = new MemoryAuditSink();
  const engine = new AuthEngine(gatehouse, {
    auditSink: auditEvents,
    links: engineLinks(config.server.publicUrl),
  });
  await engine.start();
  const app = await buildApp(engine, options.logger ? { logger: options.logger } : {});
  return {
    app,
    gatehouse,
    engine,
    auditEvents,
    async createUser(email, password, userOptions = {}) {
      const { users, hasher } = storesOf(engine);
      const user = await users.create({
        tenant: userOptions.tenant ?? 'default',
        email,
        emailVerified: true,
        passwordHash: await hasher.hash(password),
        ...(userOptions.roles ? { roles: userOptions.roles } : {}),
      });
      return user.id;
    },
    async outbox(to) {
      await gatehouse.jobs.drain(10_000);
      return engine.outbox!.list(to);
    },
    async close() {
      await app.close();
      await engine.close();
      await gatehouse.close();
      await gatehouse.database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
