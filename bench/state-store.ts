/**
 * StateStore throughput and latency per backend: `npx tsx bench/state-store.ts`.
 * Memory and SQL on in-memory PGlite always run; PostgreSQL, Redis and Redis Cluster run
 * when DATABASE_URL, REDIS_URL, REDIS_CLUSTER_NODES are set. Figures only, no assertions.
 * Each case is bounded by time and count, so the whole run stays well under a minute.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stateKeys, type StateStore } from '../packages/core/src/state/index.js';
import { backendOpeners, measure, type Op } from './harness.js';

export interface StateStoreBenchRow {
  backend: string;
  op: string;
  concurrency: number;
  ops: number;
  opsPerSec: number;
  p50Us: number;
  p99Us: number;
}

export interface StateStoreBenchOptions {
  /** Wall time per (backend, op, concurrency) case; default 700 ms. */
  caseMs?: number;
  /** Operation cap per case; default 20 000. */
  maxOps?: number;
  /** Print the table to stdout; default true. */
  print?: boolean;
}

const TTL = { ttlMs: 60_000 };
const CONCURRENCY = [1, 32];
const VALUE = randomBytes(96).toString('base64'); // about the size of a session record

export async function runStateStoreBench(
  options: StateStoreBenchOptions = {},
): Promise<StateStoreBenchRow[]> {
  const rows: StateStoreBenchRow[] = [];
  const run = randomBytes(4).toString('hex');
  for (const open of backendOpeners()) {
    const backend = await open();
    try {
      for (const [op, prepare] of Object.entries(CASES)) {
        for (const concurrency of CONCURRENCY) {
          const body = await prepare(
            backend.store,
            (...parts) => stateKeys.global('bench', run, ...parts),
            concurrency,
          );
          rows.push({
            backend: backend.name,
            op,
            concurrency,
            ...(await measure(body, concurrency, options, 700)),
          });
        }
      }
    } finally {
      await backend.close();
    }
  }
  if (options.print ?? true) console.log(formatTable(rows));
  return rows;
}

/** Each case prepares its keys, then returns the operation to time. */
const CASES: Record<
  string,
  (store: StateStore, key: (...parts: string[]) => string, workers: number) => Promise<Op>
> = {
  get: async (store, key) => {
    await Promise.all(Array.from({ length: 64 }, (_, n) => store.set(key('get', String(n)), VALUE, TTL)));
    return (worker, i) => store.get(key('get', String((worker + i) % 64)));
  },
  'set-with-ttl': async (store, key) => (worker, i) =>
    store.set(key('set', String(worker), String(i % 100)), VALUE, TTL),
  'cas-rotation': async (store, key, workers) => {
    // Every worker rotates its own key, as every session rotates its own refresh token.
    const current = Array.from({ length: workers }, () => `${VALUE}:0`);
    await Promise.all(current.map((value, worker) => store.set(key('cas', String(worker)), value, TTL)));
    return async (worker, i) => {
      const next = `${VALUE}:${i + 1}`;
      const result = await store.compareAndSwap(key('cas', String(worker)), current[worker]!, next, TTL);
      if (!result.swapped) throw new Error('bench rotation lost: the store is not atomic');
      current[worker] = next;
    };
  },
};

function formatTable(rows: StateStoreBenchRow[]): string {
  const header = ['backend', 'op', 'conc', 'ops', 'ops/s', 'p50 µs', 'p99 µs'];
  const cells = rows.map((r) =>
    [r.backend, r.op, r.concurrency, r.ops, r.opsPerSec, r.p50Us, r.p99Us].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c.map((v, i) => (i < 2 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await runStateStoreBench();
}
