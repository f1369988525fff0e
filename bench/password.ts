/**
 * Argon2id cost at the default parameters: `npx tsx bench/password.ts`.
 * Latency of one hash and one verify (median of 10 each), then throughput of
 * verifications with 2 in flight (they run on the libuv pool, UV_THREADPOOL_SIZE
 * threads, default 4). Figures only, no assertions; bounded to about 20 s.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createConfig } from '../packages/core/src/config/index.js';
import { PasswordHasher, type Argon2Params } from '../packages/core/src/password/index.js';

export interface PasswordBenchRow {
  op: string;
  concurrency: number;
  ops: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

export interface PasswordBenchOptions {
  /** Default: the schema defaults (m=19456 KiB, t=2, p=1). */
  params?: Argon2Params;
  /** Samples for the single-operation latencies; default 10. */
  samples?: number;
  /** Wall time of the concurrent throughput run; default 5 s. */
  throughputMs?: number;
  /** Concurrency of the throughput run; default 2. */
  concurrency?: number;
  /** Print the table to stdout; default true. */
  print?: boolean;
}

/** Hard ceiling for the whole run, so a slow machine still finishes in ~20 s. */
const BUDGET_MS = 20_000;

export async function runPasswordBench(options: PasswordBenchOptions = {}): Promise<PasswordBenchRow[]> {
  const params = options.params ?? createConfig().passwords.argon2;
  const samples = options.samples ?? 10;
  const concurrency = options.concurrency ?? 2;
  const deadline = performance.now() + BUDGET_MS;
  const hasher = new PasswordHasher(params);
  const stored = await hasher.hash('bench password, warm-up');
  await hasher.warmUp();

  const rows: PasswordBenchRow[] = [];
  // Single operations, one at a time; each phase gets at most a third of the budget.
  const phaseEnd = () => Math.min(deadline, performance.now() + BUDGET_MS / 3);
  rows.push(await measure('hash', 1, samples, phaseEnd(), (i) => hasher.hash(`bench password ${i}`)));
  rows.push(await measure('verify', 1, samples, phaseEnd(), () => hasher.verify(stored, 'wrong password')));
  const throughputEnd = Math.min(deadline, performance.now() + (options.throughputMs ?? 5_000));
  rows.push(
    await measure('verify', concurrency, Number.POSITIVE_INFINITY, throughputEnd, () =>
      hasher.verify(stored, 'wrong password'),
    ),
  );

  if (options.print ?? true) {
    const pool = process.env.UV_THREADPOOL_SIZE ?? '4 (default)';
    console.log(
      `Argon2id m=${params.memoryKiB} KiB t=${params.iterations} p=${params.parallelism} — ` +
        `${availableParallelism()} CPUs, UV_THREADPOOL_SIZE=${pool}`,
    );
    console.log(formatTable(rows));
  }
  return rows;
}

/** Runs `op` from `concurrency` workers until `maxOps` are done or `endAt` passes. */
async function measure(
  op: string,
  concurrency: number,
  maxOps: number,
  endAt: number,
  run: (i: number) => Promise<unknown>,
): Promise<PasswordBenchRow> {
  const latencies: number[] = [];
  let started = 0;
  const begin = performance.now();
  const worker = async () => {
    while (started < maxOps && performance.now() < endAt) {
      const i = started++;
      const t0 = performance.now();
      await run(i);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - begin;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    op,
    concurrency,
    ops: latencies.length,
    opsPerSec: round((latencies.length / elapsed) * 1_000),
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
  };
}

const round = (value: number) => Math.round(value * 10) / 10;

function formatTable(rows: PasswordBenchRow[]): string {
  const header = ['op', 'conc', 'ops', 'ops/s', 'p50 ms', 'p99 ms'];
  const cells = rows.map((r) => [r.op, r.concurrency, r.ops, r.opsPerSec, r.p50Ms, r.p99Ms].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c.map((v, i) => (i < 1 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await runPasswordBench();
}
