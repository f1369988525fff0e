/**
 * Access-token issue and verify, per algorithm, in process: `npx tsx bench/tokens.ts`.
 * Keys are generated in memory (no database: the hot path never touches one). Prints
 * ops/s and p50/p99 latency, then a raw `crypto.verify` Ed25519 loop over the same bytes
 * so the verifier's own overhead (parsing, header and claim checks) is visible.
 * Figures only, no assertions; about 10 s in all.
 */
import { verify as cryptoVerify } from 'node:crypto';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createConfig } from '../packages/core/src/config/index.js';
import { generateSigningKey } from '../packages/core/src/keys/generate-key.js';
import type { SigningAlgorithm } from '../packages/core/src/keys/index.js';
import {
  AccessTokenIssuer,
  AccessTokenVerifier,
  type AccessTokenSubject,
} from '../packages/core/src/tokens/index.js';

export interface TokenBenchRow {
  alg: string;
  op: string;
  ops: number;
  opsPerSec: number;
  p50Us: number;
  p99Us: number;
}

export interface TokenBenchOptions {
  /** Wall time per (algorithm, operation) case; default 1 300 ms (7 cases ≈ 9 s). */
  caseMs?: number;
  /** Print the table to stdout; default true. */
  print?: boolean;
}

const ALGORITHMS: SigningAlgorithm[] = ['EdDSA', 'ES256', 'RS256'];
const MAX_OPS = 400_000;
const WARM_UP_OPS = 300;
const SUBJECT: AccessTokenSubject = {
  userId: 'usr_01J9ZQ3V7K2M8N4P6R',
  sessionId: 'ses_01J9ZQ3V7K2M8N4P6S',
  tenant: 'acme',
  authTime: Math.floor(Date.now() / 1000),
  amr: ['pwd', 'otp'],
  roleVersion: 3,
  permissionVersion: 7,
  accountVersion: 2,
  roles: ['user', 'admin'],
  perms: 'Dw',
};

export async function runTokenBench(options: TokenBenchOptions = {}): Promise<TokenBenchRow[]> {
  const caseMs = options.caseMs ?? 1_300;
  const config = createConfig({ tokens: { issuer: 'https://auth.example.test' } });
  const rows: TokenBenchRow[] = [];
  for (const alg of ALGORITHMS) {
    const key = await generateSigningKey(alg);
    const keyring = { current: () => key, find: (kid: string) => (kid === key.kid ? key : undefined) };
    const issuer = new AccessTokenIssuer({ keyring, config });
    const verifier = new AccessTokenVerifier({ keyring, config });
    rows.push(measure(alg, 'issue', caseMs, () => issuer.issue(SUBJECT)));
    const tokens = Array.from({ length: 256 }, () => issuer.issue(SUBJECT).token);
    let i = 0;
    rows.push(
      measure(alg, 'verify', caseMs, () => {
        if (!verifier.verify(tokens[i++ & 255]!).ok) throw new Error('bench token did not verify');
      }),
    );
    if (alg === 'EdDSA') {
      // The bare signature check on the same bytes, right after, so both see the same machine load.
      const token = tokens[0]!;
      const dot = token.lastIndexOf('.');
      const input = Buffer.from(token.slice(0, dot));
      const signature = Buffer.from(token.slice(dot + 1), 'base64url');
      rows.push(
        measure('Ed25519', 'raw crypto.verify', caseMs, () =>
          cryptoVerify(null, input, key.verifyKey, signature),
        ),
      );
    }
  }
  if (options.print ?? true) print(rows);
  return rows;
}

/** Runs `op` for about `caseMs`, timing each call. */
function measure(alg: string, op: string, caseMs: number, run: () => unknown): TokenBenchRow {
  for (let i = 0; i < WARM_UP_OPS; i++) run(); // let the JIT settle first
  const durations = new Float64Array(MAX_OPS);
  let ops = 0;
  const start = performance.now();
  const end = start + caseMs;
  let now = start;
  while (now < end && ops < MAX_OPS) {
    const before = now;
    run();
    now = performance.now();
    durations[ops++] = now - before;
  }
  const elapsedMs = now - start;
  const sorted = durations.subarray(0, ops).sort();
  const percentileUs = (p: number) => round(sorted[Math.min(ops - 1, Math.floor(ops * p))]! * 1000);
  return {
    alg,
    op,
    ops,
    opsPerSec: Math.round((ops / elapsedMs) * 1000),
    p50Us: percentileUs(0.5),
    p99Us: percentileUs(0.99),
  };
}

const round = (value: number) => Math.round(value * 10) / 10;

function print(rows: TokenBenchRow[]): void {
  const header = ['alg', 'op', 'ops', 'ops/s', 'p50 µs', 'p99 µs'];
  const cells = rows.map((r) => [r.alg, r.op, r.ops, r.opsPerSec, r.p50Us, r.p99Us].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c.map((v, i) => (i < 2 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  console.log([line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n'));
  const verify = rows.find((r) => r.alg === 'EdDSA' && r.op === 'verify');
  const raw = rows.find((r) => r.op === 'raw crypto.verify');
  if (verify && raw) {
    const overhead = round(verify.p50Us - raw.p50Us);
    const share = Math.round((overhead / verify.p50Us) * 100);
    console.log(
      `EdDSA verify vs raw Ed25519 crypto.verify: +${overhead} µs at p50 (${share}% of a verify), ` +
        `${verify.opsPerSec} vs ${raw.opsPerSec} ops/s`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await runTokenBench();
}
