/**
 * HTTP figures with the server pinned to one core (`taskset -c 1`) and the load
 * generator on the other (`taskset -c 0`): verify-token (jwt, strict) with wrk when it
 * is installed, refresh with a Node client that keeps one rotating session per
 * connection (each refresh consumes the token it sends, which wrk cannot chain).
 * The server uses PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set, else embedded.
 * Figures only. Run: `npx tsx bench/http.ts` (part of `npm run bench`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { Agent, request } from 'undici';
import { createScratchPostgres } from '../packages/core/test/helpers/real-backends.js';

const BIN = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));
const PASSWORD = 'benchmark passphrase 1';
const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const pin = (core: number, argv: string[]) =>
  has('taskset') ? ['taskset', '-c', String(core), ...argv] : argv;

export interface BenchBackends {
  databaseUrl?: string | undefined;
  redisUrl?: string | undefined;
}

/** The built server on `port`, once /health/ready answers (the first start runs initdb: up to two minutes). */
export async function startServer(
  port: number,
  dataDir: string,
  { databaseUrl, redisUrl }: BenchBackends,
  secret = randomBytes(32).toString('base64'),
): Promise<ChildProcess> {
  const env = {
    PATH: process.env.PATH,
    PORT: String(port),
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_LOG_LEVEL: 'warn',
    GATEHOUSE_SECRET: secret,
    GATEHOUSE_BOOTSTRAP_ADMIN_EMAIL: 'bench@example.com',
    GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
    // The benchmark measures throughput, not the abuse limits.
    GATEHOUSE_RATE_LIMITS__ENABLED: 'false',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  };
  const [command, ...args] = pin(1, [process.execPath, BIN, 'serve']);
  const child = spawn(command!, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 1200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).ok) return child;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

export async function login(base: string): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.com', password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { accessToken: string; refreshToken: string };
}

function wrk(url: string, token: string, seconds: number): string {
  const result = spawnSync(
    pin(0, ['wrk'])[0]!,
    [
      ...pin(0, ['wrk']).slice(1),
      '-t1',
      '-c32',
      `-d${seconds}s`,
      '--latency',
      '-H',
      `Authorization: Bearer ${token}`,
      url,
    ],
    { encoding: 'utf8' },
  );
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(result.stdout)?.[1] ?? '?';
  const p50 = /\s50%\s+([\d.]+\w+)/.exec(result.stdout)?.[1] ?? '?';
  const p99 = /\s99%\s+([\d.]+\w+)/.exec(result.stdout)?.[1] ?? '?';
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(result.stdout)?.[1] ?? '0';
  return `${rps.padStart(9)} req/s  p50 ${p50.padStart(8)}  p99 ${p99.padStart(8)}  non-2xx ${non2xx}`;
}

/** Each of `connections` loops refreshes its own session for `seconds`. */
async function refreshLoad(base: string, connections: number, seconds: number): Promise<string> {
  const sessions = await Promise.all(Array.from({ length: connections }, () => login(base)));
  const dispatcher = new Agent({ connections, pipelining: 1 });
  const latencies: number[] = [];
  let failures = 0;
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    sessions.map(async (session) => {
      let token = session.refreshToken;
      while (performance.now() < deadline) {
        const started = performance.now();
        const response = await request(`${base}/api/v1/auth/refresh`, {
          method: 'POST',
          dispatcher,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refreshToken: token }),
        });
        const body = (await response.body.json()) as { refreshToken?: string };
        latencies.push(performance.now() - started);
        if (response.statusCode !== 200 || !body.refreshToken) {
          failures++;
          token = (await login(base)).refreshToken;
        } else token = body.refreshToken;
      }
    }),
  );
  await dispatcher.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => `${(latencies[Math.floor(q * (latencies.length - 1))] ?? 0).toFixed(2)}ms`;
  return `${(latencies.length / seconds).toFixed(0).padStart(9)} req/s  p50 ${at(0.5).padStart(8)}  p99 ${at(0.99).padStart(8)}  non-2xx ${failures}`;
}

export async function runHttpBench(seconds = 8): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-bench-'));
  const port = 3900 + Math.floor(Math.random() * 90);
  const base = `http://127.0.0.1:${port}`;
  const backend = `${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'} + ${process.env.REDIS_URL ? 'Redis' : 'SQL state store'}`;
  console.log(
    `HTTP (server on core 1${has('taskset') ? '' : ' — taskset missing, not pinned'}, load on core 0; ${backend}; 32 connections, ${seconds} s each)`,
  );
  // A database of its own: keys sealed by an earlier run's secret must not get in the way.
  const scratch = process.env.DATABASE_URL
    ? await createScratchPostgres(process.env.DATABASE_URL)
    : undefined;
  const server = await startServer(port, dataDir, {
    databaseUrl: scratch?.url,
    redisUrl: process.env.REDIS_URL,
  });
  try {
    const { accessToken } = await login(base);
    if (has('wrk')) {
      for (const mode of ['jwt', 'strict'] as const) {
        // warm-up, then the measured run
        wrk(`${base}/api/v1/auth/verify-token?mode=${mode}`, accessToken, 2);
        console.log(
          `  verify-token ${mode.padEnd(6)} ${wrk(`${base}/api/v1/auth/verify-token?mode=${mode}`, accessToken, seconds)}`,
        );
      }
    } else console.log('  verify-token: wrk not installed (apt-get install wrk)');
    console.log(`  refresh             ${await refreshLoad(base, 32, seconds)}`);
  } finally {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await runHttpBench();
}
