/**
 * Resident memory of `gatehouse serve` (VmRSS from /proc, Linux only): once ready and
 * idle for a few seconds, then after 200 requests (100 password logins and 100 strict
 * token checks), and the peak (VmHWM). Embedded defaults on a fresh data directory and
 * on a restart of it; PostgreSQL (+ Redis) too when DATABASE_URL (REDIS_URL) is set.
 * Figures only. Run: `npx tsx bench/memory.ts` (part of `npm run bench`).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { createScratchPostgres } from '../packages/core/test/helpers/real-backends.js';
import { login, startServer, type BenchBackends } from './http.js';

const IDLE_MS = 5_000;
const megabytes = (pid: number, field: 'VmRSS' | 'VmHWM') => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return `${(kb / 1024).toFixed(0).padStart(4)} MB`;
};

// One secret for both embedded starts: the restart must unseal the keys the first start made.
const SECRET = randomBytes(32).toString('base64');

async function measure(label: string, dataDir: string, backends: BenchBackends) {
  const port = 3990 + Math.floor(Math.random() * 9);
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const server: ChildProcess = await startServer(port, dataDir, backends, SECRET);
  const readyAfter = ((performance.now() - started) / 1000).toFixed(1);
  try {
    const pid = server.pid!;
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const idle = megabytes(pid, 'VmRSS');
    for (let i = 0; i < 100; i++) {
      const { accessToken } = await login(base);
      const checked = await fetch(`${base}/api/v1/auth/verify-token?mode=strict`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      if (!checked.ok) throw new Error(`verify-token answered ${checked.status}`);
    }
    await new Promise((r) => setTimeout(r, 1_000));
    console.log(
      `  ${label.padEnd(34)} idle ${idle}  after 200 requests ${megabytes(pid, 'VmRSS')}  peak ${megabytes(pid, 'VmHWM')}  (ready in ${readyAfter} s)`,
    );
  } finally {
    const exited = new Promise((done) => server.once('exit', done));
    server.kill('SIGTERM');
    await exited;
  }
}

export async function runMemoryBench(): Promise<void> {
  console.log('Memory of `gatehouse serve` (resident set: idle 5 s after ready, after 200 requests, peak)');
  if (!existsSync('/proc/self/status')) {
    console.log('  needs /proc (Linux)');
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-bench-memory-'));
  try {
    await measure('embedded, first start (initdb)', dataDir, {});
    await measure('embedded, restart', dataDir, {});
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (process.env.DATABASE_URL) {
    const scratch = await createScratchPostgres(process.env.DATABASE_URL);
    const elsewhere = mkdtempSync(join(tmpdir(), 'gh-bench-memory-'));
    try {
      const label = `PostgreSQL${process.env.REDIS_URL ? ' + Redis' : ''}`;
      await measure(label, elsewhere, { databaseUrl: scratch.url, redisUrl: process.env.REDIS_URL });
    } finally {
      await scratch.drop();
      rmSync(elsewhere, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await runMemoryBench();
}
