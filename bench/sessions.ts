/**
 * Session hot paths per StateStore backend: `npx tsx bench/sessions.ts`.
 * Strict access-token validation (the session GET path) and refresh-token rotation: ops/s,
 * p50/p99 latency and StateStore calls per operation. Memory and SQL on in-memory PGlite
 * always run; PostgreSQL, Redis and Redis Cluster when DATABASE_URL, REDIS_URL,
 * REDIS_CLUSTER_NODES are set. Figures only, no assertions; each case is bounded by time and
 * count, so the whole run stays around 30 s.
 *
 * The verifier here is a stand-in (a Map lookup), so "strict-validate" measures the session
 * side alone; add the signature check's cost from the token benchmarks.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AuditDispatcher } from '../packages/core/src/audit/index.js';
import { createConfig } from '../packages/core/src/config/index.js';
import type { RequestContext } from '../packages/core/src/kernel/request-context.js';
import {
  createAccessValidator,
  SessionService,
  type AccessTokenVerification,
  type Session,
} from '../packages/core/src/sessions/index.js';
import { countStateStoreCalls } from '../packages/core/src/state/index.js';
import { backendOpeners, measure, type Backend, type Op } from './harness.js';
import type { AccessTokenClaims } from '../packages/core/src/tokens/claims.js';

export interface SessionBenchRow {
  backend: string;
  op: string;
  concurrency: number;
  ops: number;
  opsPerSec: number;
  p50Us: number;
  p99Us: number;
  callsPerOp: number;
}

export interface SessionBenchOptions {
  /** Wall time per (backend, op, concurrency) case; default 600 ms. */
  caseMs?: number;
  /** Operation cap per case; default 20 000. */
  maxOps?: number;
  /** Print the table to stdout; default true. */
  print?: boolean;
}

const CONCURRENCY = [1, 32];
const SESSIONS = 256;
const USERS = 32;

export async function runSessionBench(options: SessionBenchOptions = {}): Promise<SessionBenchRow[]> {
  const rows: SessionBenchRow[] = [];
  for (const open of backendOpeners()) {
    const backend = await open();
    try {
      rows.push(...(await benchBackend(backend, options)));
    } finally {
      await backend.close();
    }
  }
  if (options.print ?? true) console.log(formatTable(rows));
  return rows;
}

async function benchBackend(backend: Backend, options: SessionBenchOptions): Promise<SessionBenchRow[]> {
  const counting = countStateStoreCalls(backend.store);
  const config = createConfig({ sessions: { idleTimeoutSeconds: 600 } });
  const audit = new AuditDispatcher({ sink: { write: async () => undefined } });
  const sessions = new SessionService({ store: counting.store, config, audit });
  const verifier = new MapVerifier();
  const validator = createAccessValidator({ verifier, sessions, config });
  const tenant = `bench-${randomBytes(4).toString('hex')}`;
  const users = Array.from({ length: USERS }, (_, i) => `bench${i}`);
  const ctx: RequestContext = { ip: '192.0.2.1', userAgent: 'bench/1.0', requestId: 'bench', tenant };
  const create = async (userId: string) => {
    const created = await sessions.createSession({
      ctx,
      userId,
      authTime: Date.now(),
      amr: ['pwd'],
      versions: { rv: 1, pv: 1, av: 1 },
      roles: ['user'],
    });
    if (!created.ok) throw new Error(created.reason);
    return created;
  };

  const accessTokens: string[] = [];
  for (let i = 0; i < SESSIONS; i++)
    accessTokens.push(verifier.issue((await create(users[i % USERS]!)).session));

  const rows: SessionBenchRow[] = [];
  const record = async (op: string, concurrency: number, body: Op) => {
    counting.reset();
    const figures = await measure(body, concurrency, options, 600);
    const callsPerOp = figures.ops === 0 ? 0 : Math.round((counting.total() / figures.ops) * 100) / 100;
    rows.push({ backend: backend.name, op, concurrency, ...figures, callsPerOp });
  };
  try {
    for (const concurrency of CONCURRENCY) {
      await record('strict-validate', concurrency, async (worker, i) => {
        const result = await validator.validate(accessTokens[(worker * 7 + i) % SESSIONS]!, 'strict');
        if (!result.ok) throw new Error(`bench validation failed: ${result.reason}`);
      });
    }
    for (const concurrency of CONCURRENCY) {
      // Every worker rotates its own session, as every client rotates its own refresh token.
      const current = await Promise.all(
        Array.from({ length: concurrency }, async (_, w) => (await create(users[w % USERS]!)).refreshToken),
      );
      await record('refresh-rotate', concurrency, async (worker) => {
        const result = await sessions.rotateRefreshToken(current[worker]!, ctx);
        if (!result.ok) throw new Error(`bench rotation failed: ${result.reason}`);
        current[worker] = result.refreshToken;
      });
    }
  } finally {
    for (const userId of users) await sessions.revokeUserSessions(tenant, userId);
    await audit.flush();
  }
  return rows;
}

/** A stand-in verifier: a Map lookup, so the figures are the session path's own. */
class MapVerifier {
  private readonly issued = new Map<string, AccessTokenClaims>();
  issue(session: Session): string {
    const now = Math.floor(Date.now() / 1_000);
    const token = randomBytes(16).toString('base64url');
    this.issued.set(token, {
      iss: 'bench',
      aud: 'gatehouse',
      sub: session.userId,
      sid: session.id,
      tid: session.tenant,
      iat: now,
      exp: now + 900,
      jti: token,
      auth_time: now,
      amr: session.amr,
      ...session.versions,
      roles: session.roles,
      perms: '',
    });
    return token;
  }
  verify(token: string): AccessTokenVerification {
    const claims = this.issued.get(token);
    return claims ? { ok: true, claims } : { ok: false, reason: 'unknown' };
  }
}

function formatTable(rows: SessionBenchRow[]): string {
  const header = ['backend', 'op', 'conc', 'ops', 'ops/s', 'p50 µs', 'p99 µs', 'calls/op'];
  const cells = rows.map((r) =>
    [r.backend, r.op, r.concurrency, r.ops, r.opsPerSec, r.p50Us, r.p99Us, r.callsPerOp].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c.map((v, i) => (i < 2 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await runSessionBench();
}
