import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

/** The built CLI, exactly as installed: it honours no test switch. */
export const PRODUCTION_BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
/**
 * What the tests run: the built CLI behind an entry that installs the test hooks the
 * GATEHOUSE_TEST_* variables ask for (gatehouse-under-test.mjs), then runs it unchanged.
 */
export const BIN = fileURLToPath(new URL('./gatehouse-under-test.mjs', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Puts an embedded database into `dataDir` that exists and is migrated already (a copy of
 * the run's template, test/global-setup.ts), so the processes of a test that is not about
 * the first start skip initdb and the migrations. Returns `dataDir`.
 */
export function seedDataDir(dataDir: string): string {
  const template = inject('pgliteTemplateDirectory');
  mkdirSync(dataDir, { recursive: true });
  if (template) cpSync(template, join(dataDir, 'pglite'), { recursive: true });
  return dataDir;
}

/** A clean environment: only what the test sets, plus PATH/HOME so node runs. */
/**
 * One BullMQ queue name per test file (each runs in its own worker process): servers of
 * one file share their jobs (a restarted server finds what its predecessor queued), while
 * other files' servers on the same Redis never take them (their users live elsewhere).
 */
const QUEUE_NAME = `test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GATEHOUSE_JOBS__QUEUE_NAME: QUEUE_NAME,
    ...extra,
  };
}

export interface Gatehouse {
  child: ChildProcess;
  url: string;
  output(): string;
  /** SIGTERM and wait; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * A deadline for one real process to start or finish: far above what it needs (seconds), so
 * only a stuck process meets it, even on a busy 2-core machine (the e2e tests allow 120 s).
 */
export const PROCESS_DEADLINE_MS = 60_000;

export async function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = PROCESS_DEADLINE_MS) {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`gatehouse ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${stdout}\n${stderr}`),
      );
    }, timeoutMs);
    child.on('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  return { code, stdout, stderr };
}

/** Starts `gatehouse serve` and waits until /health answers. */
export async function startGatehouse(
  env: NodeJS.ProcessEnv,
  timeoutMs = PROCESS_DEADLINE_MS,
): Promise<Gatehouse> {
  const child = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${env.PORT}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gatehouse serve exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gatehouse serve did not become healthy:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export async function waitFor(
  predicate: () => Promise<boolean>,
  timeoutMs: number,
  stepMs = 100,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await predicate()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

/**
 * One JSON call to a running server's API from Node, outside the CLI: the status and the
 * parsed body (null, cast, when the answer is empty).
 */
export async function callApi<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  body?: object,
  token?: string,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}
