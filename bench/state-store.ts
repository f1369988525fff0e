/**
 * StateStore throughput and latency per backend: `npx tsx bench/state-store.ts`.
 * Memory and SQL on in-memory PGlite always run; PostgreSQL, Redis and Redis Cluster run
 * when DATABASE_URL, REDIS_URL, REDIS_CLUSTER_NODES are set. Figures only, no assertions.
 * Each case is bounded by time and count, so the whole run stays well under a minute.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { openDatabase, type Database } from '../packages/core/src/database/index.js';
import {
  MemoryStateStore,
  RedisStateStore,
  SqlStateStore,
  stateKeys,
  type StateStore,
} from '../packages/core/src/state/index.js';

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

interface Backend {
  name: string;
  store: StateStore;
  close(): Promise<void>;
}

/** One operation of worker `worker`, its `i`-th call. */
type Op = (worker: number, i: number) => Promise<unknown>;

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
            ...(await measure(body, concurrency, options)),
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

async function measure(op: Op, concurrency: number, options: StateStoreBenchOptions) {
  const caseMs = options.caseMs ?? 700;
  const maxOps = options.maxOps ?? 20_000;
  const latenciesUs: number[] = [];
  const started = performance.now();
  const worker = async (id: number) => {
    for (let i = 0; latenciesUs.length < maxOps && performance.now() - started < caseMs; i++) {
      const t0 = performance.now();
      await op(id, i);
      latenciesUs.push((performance.now() - t0) * 1_000);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, id) => worker(id)));
  const seconds = (performance.now() - started) / 1_000;
  latenciesUs.sort((a, b) => a - b);
  return {
    ops: latenciesUs.length,
    opsPerSec: Math.round(latenciesUs.length / seconds),
    p50Us: percentile(latenciesUs, 0.5),
    p99Us: percentile(latenciesUs, 0.99),
  };
}

const percentile = (sorted: number[], p: number): number =>
  Math.round(sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? 0);

function backendOpeners(): (() => Promise<Backend>)[] {
  const openers: (() => Promise<Backend>)[] = [
    async () => {
      const store = new MemoryStateStore();
      return { name: 'memory', store, close: () => store.close() };
    },
    () => sqlBackend('sql (pglite, memory)', openDatabase({})),
  ];
  const { DATABASE_URL, REDIS_URL, REDIS_CLUSTER_NODES } = process.env;
  if (DATABASE_URL)
    openers.push(() => sqlBackend('sql (postgres)', openDatabase({ databaseUrl: DATABASE_URL })));
  if (REDIS_URL) openers.push(() => redisBackend('redis', { redisUrl: REDIS_URL }));
  if (REDIS_CLUSTER_NODES) {
    const clusterNodes = REDIS_CLUSTER_NODES.split(',').map((node) => node.trim());
    openers.push(() => redisBackend('redis-cluster', { clusterNodes }));
  }
  return openers;
}

async function sqlBackend(name: string, opening: Promise<Database>): Promise<Backend> {
  const database = await opening;
  await database.migrate();
  const store = new SqlStateStore({ sql: database.sql });
  return {
    name,
    store,
    close: async () => {
      // Leave no bench rows behind in a shared PostgreSQL.
      await database.sql.query(`delete from state_entries where key like 'gh:bench:%'`);
      await store.close();
      await database.close();
    },
  };
}

async function redisBackend(
  name: string,
  options: Parameters<typeof RedisStateStore.connect>[0],
): Promise<Backend> {
  const store = await RedisStateStore.connect(options);
  return { name, store, close: () => store.close() }; // bench keys expire with their TTL
}

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
