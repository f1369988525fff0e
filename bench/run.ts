/**
 * `npm run bench`: every benchmark, figures only (no assertions). Backends that need a
 * server run when DATABASE_URL, REDIS_URL or REDIS_CLUSTER_NODES are set.
 */
import { runStateStoreBench } from './state-store.js';

console.log(`Gatehouse benchmarks — node ${process.version}, ${new Date().toISOString()}\n`);
console.log('StateStore (per backend: ops/s and latency of get, set-with-TTL, compare-and-swap rotation)');
await runStateStoreBench();
