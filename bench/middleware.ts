/**
 * The framework middleware's verify rate, in process: `npm run bench -- middleware`.
 * RemoteVerifier (what @gatehouse/fastify and @gatehouse/express run) in jwt mode with a
 * warm JWKS cache, next to the server's own AccessTokenVerifier and a raw Ed25519
 * `crypto.verify` of the same tokens' signatures, so the middleware's own cost (parsing,
 * header and claim checks, the key lookup and its promise) shows as a ratio. The JWKS comes
 * from an in-memory fetch: no network in the loop, as with a warm cache in production.
 * Figures only, no assertions; about 5 s.
 */
import { verify as cryptoVerify } from 'node:crypto';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createConfig } from '../packages/core/src/config/index.js';
import { generateSigningKey } from '../packages/core/src/keys/generate-key.js';
import {
  AccessTokenIssuer,
  AccessTokenVerifier,
  type AccessTokenSubject,
} from '../packages/core/src/tokens/index.js';
import { RemoteVerifier } from '../packages/core/src/remote/index.js';

const ISSUER = 'https://auth.example.test';
const TOKENS = 256;
const WARM_UP_OPS = 500;

const SUBJECT: AccessTokenSubject = {
  userId: 'usr_01J9ZQ3V7K2M8N4P6R',
  sessionId: 'ses_01J9ZQ3V7K2M8N4P6S',
  tenant: 'default',
  authTime: Math.floor(Date.now() / 1000),
  amr: ['pwd'],
  roleVersion: 1,
  permissionVersion: 1,
  accountVersion: 1,
  roles: ['user'],
};

export interface MiddlewareBenchRow {
  case: string;
  ops: number;
  opsPerSec: number;
}

export async function runMiddlewareBench(options: { caseMs?: number } = {}): Promise<MiddlewareBenchRow[]> {
  const caseMs = options.caseMs ?? 1_500;
  const config = createConfig({ tokens: { issuer: ISSUER } });
  const key = await generateSigningKey('EdDSA');
  const keyring = { current: () => key, find: (kid: string) => (kid === key.kid ? key : undefined) };
  const issuer = new AccessTokenIssuer({ keyring, config });
  const tokens = Array.from({ length: TOKENS }, () => issuer.issue(SUBJECT).token);
  const jwks = JSON.stringify({ keys: [key.publicJwk] });
  const remote = new RemoteVerifier({
    issuer: ISSUER,
    fetch: async () => new Response(jwks, { status: 200 }),
  });
  if (!(await remote.warmUp())) throw new Error('the in-memory JWKS did not load');
  const local = new AccessTokenVerifier({ keyring, config });
  const signatures = tokens.map((token) => {
    const dot = token.lastIndexOf('.');
    return {
      input: Buffer.from(token.slice(0, dot)),
      signature: Buffer.from(token.slice(dot + 1), 'base64url'),
    };
  });

  let i = 0;
  const rows = [
    await measure('RemoteVerifier.verify (jwt mode, warm JWKS)', caseMs, async () => {
      if (!(await remote.verify(tokens[i++ % TOKENS]!)).ok) throw new Error('bench token did not verify');
    }),
    await measure('AccessTokenVerifier.verify (the server)', caseMs, () => {
      if (!local.verify(tokens[i++ % TOKENS]!).ok) throw new Error('bench token did not verify');
    }),
    await measure('raw Ed25519 crypto.verify', caseMs, () => {
      const { input, signature } = signatures[i++ % TOKENS]!;
      cryptoVerify(null, input, key.verifyKey, signature);
    }),
  ];
  print(rows);
  return rows;
}

/**
 * Calls `op` one after another for about `caseMs`, in batches of 64 so clock reads stay out
 * of the figure. Only an op that returns a promise is awaited: an await costs a microtask
 * the synchronous cases should not carry.
 */
async function measure(name: string, caseMs: number, op: () => unknown): Promise<MiddlewareBenchRow> {
  const first = op();
  const isAsync = first instanceof Promise;
  if (isAsync) await first;
  const batch = isAsync
    ? async (): Promise<void> => {
        for (let n = 0; n < 64; n++) await (op() as Promise<unknown>);
      }
    : async (): Promise<void> => {
        for (let n = 0; n < 64; n++) op(); // one await per 64 calls, not per call
      };
  for (let n = 0; n < WARM_UP_OPS / 64; n++) await batch();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < caseMs) {
    await batch();
    ops += 64;
    now = performance.now();
  }
  return { case: name, ops, opsPerSec: Math.round((ops / (now - start)) * 1000) };
}

function print(rows: MiddlewareBenchRow[]): void {
  const width = Math.max(...rows.map((row) => row.case.length));
  for (const row of rows)
    console.log(`${row.case.padEnd(width)}  ${String(row.opsPerSec).padStart(8)} ops/s`);
  const [remote, , raw] = rows;
  if (remote && raw) {
    const ratio = (remote.opsPerSec / raw.opsPerSec).toFixed(2);
    console.log(`middleware verify / raw crypto.verify: ${ratio} (1.00 would be no overhead at all)`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await runMiddlewareBench();
}
