/**
 * Account-lifecycle requests under enumeration attack: forgot-password, verification resend
 * and register must answer a verified, an unverified and an unknown address alike (status,
 * body bytes, header names), hit their per-address limits at the same count, and take the
 * same time (API.md "Timing": the per-account work runs in a job, not in the request).
 */
import { performance } from 'node:perf_hooks';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '@gatehouse/core';
import {
  CHEAP_ARGON2,
  PASSWORD,
  comparable,
  expectProblem,
  freshIp,
  median,
  retryAfterSeconds,
  useSecurityServer,
  type SecurityServer,
} from './harness.js';
import { storesOf } from '../helpers/stores.js';

/** Fast job polling, so a drained queue means the worker already looked the account up. */
const JOBS = { pollIntervalMs: 20, backoffBaseMs: 20 } as const;
const LIMIT = 3;

async function outbox(server: SecurityServer, to: string): Promise<OutboxEntry[]> {
  await server.gatehouse.jobs.drain(10_000);
  return server.engine.outbox!.list(to);
}

/** An account that registered but never verified (made directly, so no mail budget is spent). */
async function createUnverified(server: SecurityServer, email: string): Promise<void> {
  await storesOf(server.engine).users.create({
    tenant: 'default',
    email,
    emailVerified: false,
    passwordHash: await storesOf(server.engine).hasher.hash(PASSWORD),
  });
}

/** Three addresses: a verified account, an unverified one and nobody. */
async function accounts(server: SecurityServer, label: string) {
  const verified = `${label}-verified@example.com`;
  const unverified = `${label}-unverified@example.com`;
  await server.createUser(verified);
  await createUnverified(server, unverified);
  return { verified, unverified, unknown: `${label}-nobody@example.com` };
}

const headerNames = (response: LightMyRequestResponse) => Object.keys(response.headers).sort();

/** Same status, same body bytes, same header names as `reference`. */
function expectIdentical(response: LightMyRequestResponse, reference: LightMyRequestResponse, label: string) {
  expect(response.statusCode, label).toBe(reference.statusCode);
  expect(response.body, label).toBe(reference.body);
  expect(headerNames(response), label).toEqual(headerNames(reference));
}

const ENDPOINTS = [
  { name: 'forgot', url: '/auth/password/forgot', body: (email: string) => ({ email }), status: 202 },
  { name: 'resend', url: '/auth/verify-email/resend', body: (email: string) => ({ email }), status: 202 },
  {
    name: 'register',
    url: '/auth/register',
    body: (email: string) => ({ email, password: 'an attacker passphrase 9' }),
    status: 202,
  },
] as const;

describe('lifecycle answers do not reveal accounts', () => {
  const s = useSecurityServer({
    jobs: JOBS,
    passwords: CHEAP_ARGON2,
    rateLimits: {
      register: { perIp: 10_000 },
      resetRequests: { perIdentifier: LIMIT, perIp: 10_000 },
      verificationRequests: { perIdentifier: LIMIT, perIp: 10_000 },
    },
  });

  for (const endpoint of ENDPOINTS) {
    it(`${endpoint.name}: verified, unverified and unknown addresses get byte-identical answers`, async () => {
      const who = await accounts(s.server, `same-${endpoint.name}`);
      const ip = freshIp();
      const answers = {
        verified: await s.server.post(endpoint.url, endpoint.body(who.verified), { remoteAddress: ip }),
        unverified: await s.server.post(endpoint.url, endpoint.body(who.unverified), { remoteAddress: ip }),
        unknown: await s.server.post(endpoint.url, endpoint.body(who.unknown), { remoteAddress: ip }),
      };
      expect(answers.unknown.statusCode, answers.unknown.body).toBe(endpoint.status);
      expect(answers.unknown.headers['retry-after']).toBeUndefined();
      expect(answers.unknown.headers['cache-control']).toBe('no-store');
      for (const kind of ['verified', 'unverified'] as const)
        expectIdentical(answers[kind], answers.unknown, kind);
    });
  }

  it('what differs happens only in the mailbox', async () => {
    const who = await accounts(s.server, 'mailbox');
    for (const email of Object.values(who)) {
      await s.server.post('/auth/password/forgot', { email }, { remoteAddress: freshIp() });
      await s.server.post('/auth/verify-email/resend', { email }, { remoteAddress: freshIp() });
    }
    const templates = async (email: string) => (await outbox(s.server, email)).map((m) => m.template).sort();
    expect(await templates(who.verified)).toEqual(['password_reset']);
    expect(await templates(who.unverified)).toEqual(['password_reset', 'verify_email']);
    expect(await templates(who.unknown)).toEqual([]);
  });

  for (const endpoint of ENDPOINTS.filter((e) => e.name !== 'register')) {
    it(`${endpoint.name}: the per-address limit strikes known and unknown addresses at the same count`, async () => {
      const who = await accounts(s.server, `limit-${endpoint.name}`);
      const kinds = ['verified', 'unverified', 'unknown'] as const;
      const answers = { verified: [], unverified: [], unknown: [] } as Record<
        (typeof kinds)[number],
        LightMyRequestResponse[]
      >;
      // A new IP per request: only the per-address counter can be what says no.
      for (let i = 0; i <= LIMIT; i++) {
        for (const kind of kinds) {
          answers[kind].push(
            await s.server.post(endpoint.url, endpoint.body(who[kind]), { remoteAddress: freshIp() }),
          );
        }
      }
      for (const kind of kinds) {
        for (const answer of answers[kind].slice(0, LIMIT)) expect(answer.statusCode, kind).toBe(202);
        const limited = answers[kind][LIMIT]!;
        expectProblem(limited, 429, 'rate_limited');
        expect(retryAfterSeconds(limited)).toBeLessThanOrEqual(3600);
        expect(comparable(limited), kind).toEqual(comparable(answers.unknown[LIMIT]!));
        expect(headerNames(limited), kind).toEqual(headerNames(answers.unknown[LIMIT]!));
      }
      // Another spelling of the same address shares its budget, known or not.
      for (const kind of kinds) {
        const shouted = ` ${who[kind].toUpperCase()} `;
        const answer = await s.server.post(endpoint.url, endpoint.body(shouted), {
          remoteAddress: freshIp(),
        });
        expect(comparable(answer), kind).toEqual(comparable(answers.unknown[LIMIT]!));
      }
    });
  }

  it('register: past the address budget it still answers 202 alike and stops mailing the owner', async () => {
    const who = await accounts(s.server, 'limit-register');
    const kinds = ['verified', 'unverified', 'unknown'] as const;
    for (let i = 0; i < LIMIT + 2; i++) {
      const reference = await s.server.post('/auth/register', ENDPOINTS[2].body(who.unknown), {
        remoteAddress: freshIp(),
      });
      expect(reference.statusCode, reference.body).toBe(202);
      for (const kind of kinds.slice(0, 2)) {
        const answer = await s.server.post('/auth/register', ENDPOINTS[2].body(who[kind]), {
          remoteAddress: freshIp(),
        });
        expectIdentical(answer, reference, `${kind} #${i}`);
      }
    }
    // The mail budget (verificationRequests.perIdentifier) caps what an address receives.
    expect((await outbox(s.server, who.verified)).length).toBe(LIMIT);
    expect((await outbox(s.server, who.unverified)).length).toBe(LIMIT);
    expect((await outbox(s.server, who.unknown)).length).toBe(LIMIT);
  });
});

describe('lifecycle request timing does not reveal accounts', () => {
  // Default Argon2id cost (register hashes for new and existing addresses alike); limits
  // raised far out of the way.
  const s = useSecurityServer({
    jobs: JOBS,
    rateLimits: {
      register: { perIp: 100_000 },
      resetRequests: { perIdentifier: 100_000, perIp: 100_000 },
      verificationRequests: { perIdentifier: 100_000, perIp: 100_000 },
    },
  });
  const pauseWorker = () => s.server.gatehouse.jobs.stop();
  const resumeWorker = () => s.server.gatehouse.jobs.start((job) => s.server.engine.runJob(job));
  type Send = (known: boolean, i: number) => Promise<LightMyRequestResponse>;

  /**
   * Median times of known and unknown addresses, interleaved (alternating which goes first),
   * after a warm-up. With the worker running the queue is drained before each sample
   * (untimed), so one request's mail job never lands in the next request's time.
   */
  async function medians(send: Send, samples: number, worker: 'running' | 'paused') {
    const time = async (known: boolean, i: number) => {
      if (worker === 'running') await s.server.gatehouse.jobs.drain(10_000);
      const started = performance.now();
      const response = await send(known, i);
      const elapsed = performance.now() - started;
      expect(response.statusCode, response.body).toBe(202);
      return elapsed;
    };
    for (let i = 0; i < 4; i++) {
      await time(true, -1 - i);
      await time(false, -1 - i);
    }
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < samples; i++) {
      if (i % 2) known.push(await time(true, i));
      unknown.push(await time(false, i));
      if (!(i % 2)) known.push(await time(true, i));
    }
    const ratio = median(known) / median(unknown);
    const fastest = Math.min(...known) / Math.min(...unknown);
    return {
      ratio,
      fastest,
      detail:
        `known ${median(known).toFixed(2)} ms / unknown ${median(unknown).toFixed(2)} ms ` +
        `(fastest ${Math.min(...known).toFixed(2)} / ${Math.min(...unknown).toFixed(2)} ms)`,
    };
  }

  const fastestOf = ({ fastest, detail }: { fastest: number; detail: string }) => ({
    ratio: fastest,
    detail,
  });

  /** API.md asks < 25%; a shared CI box is noisy, so only a factor of two is enforced. */
  function expectSimilar({ ratio, detail }: { ratio: number; detail: string }) {
    expect(ratio, detail).toBeGreaterThan(0.5);
    expect(ratio, detail).toBeLessThan(2);
  }

  /** Known: `address`; unknown: a new address each time. */
  const forgot =
    (address: string): Send =>
    (known, i) =>
      s.server.post('/auth/password/forgot', { email: known ? address : `nobody${i}.${address}` });
  const resend =
    (address: string): Send =>
    (known, i) =>
      s.server.post('/auth/verify-email/resend', { email: known ? address : `nobody${i}.${address}` });

  // The request path alone (the worker paused): the same counters and one enqueue for every
  // address. The end-to-end case (worker running) is the test after register's.
  it('forgot and resend: the request path takes the same time for known and unknown addresses', async () => {
    await s.server.createUser('timing-forgot@example.com');
    await createUnverified(s.server, 'timing-resend@example.com');
    await pauseWorker();
    try {
      expectSimilar(await medians(forgot('timing-forgot@example.com'), 20, 'paused'));
      expectSimilar(await medians(resend('timing-resend@example.com'), 20, 'paused'));
    } finally {
      resumeWorker();
    }
    // The work was deferred, not skipped: the worker mails the known addresses afterwards.
    expect((await outbox(s.server, 'timing-forgot@example.com')).length).toBeGreaterThan(20);
    expect((await outbox(s.server, 'timing-resend@example.com')).length).toBeGreaterThan(20);
  });

  it('register: an existing address and a new one take the same time (end to end)', async () => {
    await s.server.createUser('timing-register@example.com');
    expectSimilar(
      await medians(
        (known, i) =>
          s.server.post('/auth/register', {
            email: known ? 'timing-register@example.com' : `timing-register-${i}@example.com`,
            password: 'a brand new passphrase 5',
          }),
        20,
        'running',
      ),
    );
  });

  // Regression: SqlJobQueue.enqueue once woke the in-process worker synchronously, so the job
  // ran in the request's own microtask chain, before the answer was flushed; on embedded
  // PGlite (synchronous WASM) the per-account mail work then showed in the answer for known
  // addresses only. A synchronous 30 ms delay in the mail store makes such a leak certain.
  it('forgot and resend answer before the worker does the per-account mail work', async () => {
    await s.server.createUser('slow-forgot@example.com');
    await createUnverified(s.server, 'slow-resend@example.com');
    const store = s.server.engine.outbox! as unknown as { storeEmail: (message: unknown) => Promise<void> };
    const storeEmail = store.storeEmail.bind(store);
    store.storeEmail = (message) => {
      const until = performance.now() + 30;
      while (performance.now() < until); // a slow synchronous write, like PGlite's, magnified
      return storeEmail(message);
    };
    try {
      // The fastest of 12, not the median: in-process, the worker's synchronous 30 ms can land
      // before the test's own inject promise settles (the server's answer is out by then; the
      // test's reading of it is not), which moves the median under load. A request path that
      // waited for the mail work would pay the 30 ms every time, its fastest sample included.
      expectSimilar(fastestOf(await medians(forgot('slow-forgot@example.com'), 12, 'running')));
      expectSimilar(fastestOf(await medians(resend('slow-resend@example.com'), 12, 'running')));
    } finally {
      store.storeEmail = storeEmail;
    }
  });
});
