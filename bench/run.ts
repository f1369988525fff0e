/**
 * `npm run bench`: every benchmark, figures only (no assertions). Backends that need a
 * server run when DATABASE_URL, REDIS_URL or REDIS_CLUSTER_NODES are set. Numbers on a
 * shared 2-core machine are noisy: compare runs made under the same load.
 */
import { runHttpBench } from './http.js';
import { runLoginBench } from './login.js';
import { runMemoryBench } from './memory.js';
import { runMiddlewareBench } from './middleware.js';
import { runPasswordBench } from './password.js';
import { runSessionBench } from './sessions.js';
import { runStateStoreBench } from './state-store.js';
import { runTokenBench } from './tokens.js';

const only = process.argv[2];
const section = (name: string) => !only || only === name;

console.log(`Gatehouse benchmarks — node ${process.version}, ${new Date().toISOString()}\n`);
if (section('state')) {
  console.log('StateStore (per backend: get, set-with-TTL, compare-and-swap rotation)');
  await runStateStoreBench();
}
if (section('tokens')) {
  console.log('\nAccess tokens (in-process issue and JWT-only verify)');
  await runTokenBench();
}
if (section('middleware')) {
  console.log('\nFramework middleware (in-process verify, jwt mode, warm JWKS cache)');
  await runMiddlewareBench();
}
if (section('sessions')) {
  console.log('\nSessions (in-process strict validate and refresh rotation per StateStore)');
  await runSessionBench();
}
if (section('password')) {
  console.log('\nPasswords (Argon2id)');
  await runPasswordBench();
}
if (section('login')) {
  console.log('');
  await runLoginBench();
}
if (section('http')) {
  console.log('');
  await runHttpBench();
}
if (section('memory')) {
  console.log('');
  await runMemoryBench();
}
