/**
 * In-process password login throughput against the ideal 1 / (one Argon2id hash time):
 * login = throttle reads + user lookup + one Argon2id verify + session write + token
 * signing, so Argon2 should dominate. Embedded backends (PGlite; Redis when REDIS_URL
 * is set). Figures only. Run: `npx tsx bench/login.ts` (part of `npm run bench`).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  AuthEngine,
  MemoryAuditSink,
  createConfig,
  createRequestContext,
  openGatehouse,
  openPgliteDatabase,
  PasswordHasher,
  UserRepository,
} from '../packages/core/src/index.js';

const PASSWORD = 'benchmark passphrase 1';

export async function runLoginBench(seconds = 5, concurrency = 2): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-login-bench-'));
  const config = createConfig({
    secret: randomBytes(32).toString('base64'),
    storage: { dataDir, ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}) },
    rateLimits: { enabled: false },
  });
  const gatehouse = await openGatehouse(config, { database: await openPgliteDatabase() });
  const engine = new AuthEngine(gatehouse, { auditSink: new MemoryAuditSink() });
  await engine.start();
  try {
    // The engine's repositories are private: the bench seeds its user through its own,
    // with the engine's Argon2 parameters (the hash it times is the one login verifies).
    const hasher = new PasswordHasher(config.passwords.argon2, { maxLength: config.passwords.maxLength });
    await new UserRepository(gatehouse.database.db).create({
      tenant: 'default',
      email: 'bench@example.com',
      emailVerified: true,
      passwordHash: await hasher.hash(PASSWORD),
    });
    const hashTimes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      await hasher.hash(PASSWORD);
      hashTimes.push(performance.now() - started);
    }
    hashTimes.sort((a, b) => a - b);
    const hashMs = hashTimes[5]!;
    const ctx = createRequestContext({
      ip: '127.0.0.1',
      userAgent: 'bench',
      requestId: 'bench',
      tenant: 'default',
    });
    const latencies: number[] = [];
    const deadline = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          const started = performance.now();
          const result = await engine.signIn.login({ email: 'bench@example.com', password: PASSWORD }, ctx);
          if (!result.ok) throw new Error(`login failed: ${result.code}`);
          latencies.push(performance.now() - started);
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const opsPerSecond = latencies.length / seconds;
    const oneHash = 1000 / hashMs;
    console.log(
      `Login (in-process, ${process.env.REDIS_URL ? 'Redis' : 'SQL'} state store, concurrency ${concurrency})`,
    );
    console.log(
      `  one Argon2id hash (m=${config.passwords.argon2.memoryKiB} KiB, t=${config.passwords.argon2.iterations}): p50 ${hashMs.toFixed(1)} ms`,
    );
    console.log(
      `  login ${opsPerSecond.toFixed(1)} ops/s, p50 ${latencies[Math.floor(latencies.length / 2)]!.toFixed(1)} ms, p99 ${latencies[Math.floor(latencies.length * 0.99)]!.toFixed(1)} ms — ` +
        `${((100 * opsPerSecond) / oneHash).toFixed(0)}% of 1/(hash time) = ${oneHash.toFixed(1)}/s, ` +
        `${((100 * opsPerSecond) / (oneHash * concurrency)).toFixed(0)}% of ${concurrency}/(hash time)`,
    );
  } finally {
    await engine.close();
    await gatehouse.close();
    await gatehouse.database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await runLoginBench();
}
