/**
 * What the StateStore-based benchmarks share: the backends available here (memory and
 * in-memory PGlite always; PostgreSQL, Redis, Redis Cluster when their variables are set)
 * and a bounded measuring loop that reports ops/s and p50/p99 latency in µs.
 */
import { openDatabase, type Database } from '../packages/core/src/database/index.js';
import {
  MemoryStateStore,
  RedisStateStore,
  SqlStateStore,
  type StateStore,
} from '../packages/core/src/state/index.js';

export interface Backend {
  name: string;
  store: StateStore;
  close(): Promise<void>;
}

/** One operation of worker `worker`, its `i`-th call. */
export type Op = (worker: number, i: number) => Promise<unknown>;

export interface MeasureOptions {
  /** Wall time per case. */
  caseMs?: number;
  /** Operation cap per case; default 20 000. */
  maxOps?: number;
}

export async function measure(op: Op, concurrency: number, options: MeasureOptions, defaultCaseMs: number) {
  const caseMs = options.caseMs ?? defaultCaseMs;
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

export function backendOpeners(): (() => Promise<Backend>)[] {
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
