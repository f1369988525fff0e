import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  AuthEngine,
  MemoryAuditSink,
  createConfig,
  openGatehouse,
  type AuditEvent,
  type Clock,
  type Gatehouse,
  type GatehouseConfigInput,
  type StateStore,
} from '@gatehouse/core';
import { openMemoryDatabase } from '../../../core/test/helpers/memory-database.js';
import { buildApp } from '../../src/app.js';
import { engineLinks } from '../../src/routes/links.js';
import { CHEAP_ARGON2 } from '../helpers/test-gatehouse.js';
import { storesOf } from '../helpers/stores.js';

/**
 * The adversarial suites' server: like `createTestServer` (real engine, real app, in-memory
 * PGlite) plus what attacks need: an injected clock (expiry, replay windows), a wrapped
 * StateStore (command counting), a Redis StateStore, and terse request helpers.
 */
export interface SecurityServerOptions {
  clock?: Clock;
  logger?: FastifyBaseLogger;
  /** Wraps the opened StateStore (e.g. `countStateStoreCalls(store).store`). */
  wrapStateStore?: (store: StateStore) => StateStore;
}

export interface RequestOptions {
  payload?: unknown;
  token?: string;
  headers?: Record<string, string>;
  remoteAddress?: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  expiresIn: number;
  user: { id: string; email: string; roles: string[] };
}

export const PASSWORD = 'a sturdy passphrase 42';
export const USER_AGENT = 'security-suite/1.0';

/** Argon2id at its cheapest: for suites that count hashes or throttles, not measure time. */
export { CHEAP_ARGON2 };

export interface SecurityServer {
  app: FastifyInstance;
  engine: AuthEngine;
  gatehouse: Gatehouse;
  call(method: string, url: string, options?: RequestOptions): Promise<LightMyRequestResponse>;
  post(url: string, payload?: unknown, options?: RequestOptions): Promise<LightMyRequestResponse>;
  get(url: string, options?: RequestOptions): Promise<LightMyRequestResponse>;
  /** Logs in (expects 200) and returns the TokenPair. */
  login(email: string, password?: string, options?: RequestOptions): Promise<TokenPair>;
  /** A verified, active user; returns its id. */
  createUser(
    email: string,
    password?: string,
    options?: { roles?: string[]; tenant?: string },
  ): Promise<string>;
  /** Every audit event so far (flushed first). */
  audit(): Promise<AuditEvent[]>;
  close(): Promise<void>;
}

export async function openSecurityServer(
  input: GatehouseConfigInput = {},
  options: SecurityServerOptions = {},
): Promise<SecurityServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-security-'));
  const config = createConfig({
    environment: 'test',
    secret: randomBytes(32).toString('base64'),
    ...input,
    storage: { dataDir, ...input.storage },
    server: { logLevel: 'silent', ...input.server },
  });
  const database = await openMemoryDatabase();
  const opened = await openGatehouse(config, {
    database,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const gatehouse: Gatehouse = options.wrapStateStore
    ? { ...opened, stateStore: options.wrapStateStore(opened.stateStore) }
    : opened;
  const sink = new MemoryAuditSink();
  const engine = new AuthEngine(gatehouse, {
    auditSink: sink,
    links: engineLinks(config.server.publicUrl),
  });
  await engine.start();
  const app = await buildApp(engine, options.logger ? { logger: options.logger } : {});
  await app.ready();

  const call = (method: string, url: string, request: RequestOptions = {}) =>
    app.inject({
      method: method as 'GET',
      url: `/api/v1${url}`,
      ...(request.payload !== undefined ? { payload: request.payload as object } : {}),
      ...(request.remoteAddress ? { remoteAddress: request.remoteAddress } : {}),
      headers: {
        'user-agent': USER_AGENT,
        ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
        ...request.headers,
      },
    });
  const server: SecurityServer = {
    app,
    engine,
    gatehouse,
    call,
    post: (url, payload, request = {}) =>
      call('POST', url, { ...request, payload: payload ?? request.payload }),
    get: (url, request) => call('GET', url, request),
    async login(email, password = PASSWORD, request = {}) {
      const response = await server.post('/auth/login', { email, password }, request);
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as TokenPair;
    },
    async createUser(email, password = PASSWORD, userOptions = {}) {
      const { users, hasher } = storesOf(engine);
      const user = await users.create({
        tenant: userOptions.tenant ?? 'default',
        email,
        emailVerified: true,
        passwordHash: await hasher.hash(password),
        ...(userOptions.roles ? { roles: userOptions.roles } : {}),
      });
      return user.id;
    },
    async audit() {
      await engine.audit.flush();
      return [...sink.events];
    },
    async close() {
      await app.close();
      await engine.close();
      await gatehouse.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

/** Opens a server for the enclosing `describe` (beforeAll/afterAll); read `.server` in tests. */
export function useSecurityServer(
  input: GatehouseConfigInput = {},
  options: SecurityServerOptions = {},
): { server: SecurityServer } {
  const holder = {} as { server: SecurityServer };
  beforeAll(async () => {
    holder.server = await openSecurityServer(input, options);
  });
  afterAll(() => holder.server.close());
  return holder;
}

/** Argon2 at its cheapest, and loopback (where `inject` comes from) as a trusted proxy. */
export const TRUSTED_PROXY_CHEAP = {
  server: { trustedProxies: ['loopback'] },
  passwords: CHEAP_ARGON2,
} satisfies GatehouseConfigInput;

/**
 * The answer is the problem document API.md promises: this status and code, the problem
 * content type, and the requestId of the `x-request-id` header (so never an unplanned 5xx).
 */
export function expectProblem(
  response: LightMyRequestResponse,
  status: number,
  code: string | readonly string[],
): Record<string, unknown> {
  const context = `${response.statusCode} ${response.body.slice(0, 300)}`;
  expect(response.statusCode, context).toBe(status);
  expect(response.headers['content-type'], context).toMatch(/^application\/problem\+json/);
  const body = response.json() as Record<string, unknown>;
  const codes: readonly string[] = typeof code === 'string' ? [code] : code;
  expect(codes, context).toContain(body.code);
  expect(body.status, context).toBe(status);
  expect(body.requestId, context).toBe(response.headers['x-request-id']);
  return body;
}

/**
 * An answer without what legitimately differs per request (its requestId, the exact
 * retry-after seconds), for "known and unknown identifiers get identical answers" checks.
 */
export function comparable(response: LightMyRequestResponse): unknown {
  const { requestId: _requestId, ...rest } = response.json() as Record<string, unknown>;
  const retryAfter = response.headers['retry-after'];
  return {
    status: response.statusCode,
    retryAfter: retryAfter === undefined ? 'absent' : 'present',
    body: rest,
  };
}

/** The `retry-after` header as integer seconds (API.md "Units"), asserting it is one. */
export function retryAfterSeconds(response: LightMyRequestResponse): number {
  const value = String(response.headers['retry-after']);
  expect(value).toMatch(/^[1-9][0-9]*$/);
  return Number(value);
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** A distinct documentation-range client IP per call (for x-forwarded-for through a trusted proxy). */
let nextIp = 0;
export const freshIp = (): string => `198.18.${Math.floor(++nextIp / 250) % 250}.${(nextIp % 250) + 1}`;
export const via = (ip: string, extra: Record<string, string> = {}) => ({
  headers: { 'x-forwarded-for': ip, ...extra },
});

/** The decoded JSON of a compact JWS's first two segments. */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [header = '', payload = ''] = token.split('.');
  const parse = (segment: string) =>
    JSON.parse(Buffer.from(segment, 'base64url').toString()) as Record<string, unknown>;
  return { header: parse(header), payload: parse(payload) };
}

export const b64url = (value: string | Buffer | object): string =>
  Buffer.from(typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value)).toString(
    'base64url',
  );
