import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createScratchPostgres, describeWithEnv } from '../../core/test/helpers/real-backends.js';
import { cleanEnv, freePort, seedDataDir, startGatehouse, type Gatehouse } from './helpers/process.js';
import { readMail } from '../../server/test/helpers/mime.js';
import { startBrokenSmtp, startSmtpSink, type ReceivedMail } from './helpers/smtp-sink.js';

/**
 * Mail delivery through the real `gatehouse serve` process: every email leaves from a durable
 * job, so a mail server that is down, a graceful stop and a crash (SIGKILL) all end with the
 * verification email delivered once the mail server and the process are back.
 */

const PASSWORD = 'correct horse battery staple';
const MAIL_FROM = 'Gatehouse <no-reply@mail-e2e.test>';
/** The BullMQ key prefix the app uses (bullmq-queue.ts DEFAULT_JOB_PREFIX). */
const JOB_PREFIX = '{gatehouse-jobs}';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  // Last in, first out: processes die before the sinks close and the data dirs go.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// ---- Helpers ----

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gh-mail-e2e-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A data directory whose embedded database exists already: these tests are about mail, not the first start. */
const dataDirWithDatabase = () => seedDataDir(tempDir());

const newEmail = () => `mail-e2e-${randomBytes(6).toString('hex')}@example.com`;

const exited = (server: Gatehouse) => server.child.exitCode !== null || server.child.signalCode !== null;

/** SIGKILL (a crash: no shutdown code runs) and wait until the process is gone. */
async function kill(server: Gatehouse): Promise<void> {
  if (exited(server)) return;
  const gone = once(server.child, 'exit');
  server.child.kill('SIGKILL');
  await gone;
}

/** Starts `gatehouse serve`; afterEach stops it (SIGTERM, then SIGKILL after 5 s) if still running. */
async function serve(env: NodeJS.ProcessEnv): Promise<Gatehouse> {
  const server = await startGatehouse(env);
  cleanups.push(async () => {
    if (exited(server)) return;
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 5_000);
    await server.stop();
    clearTimeout(timer);
  });
  return server;
}

async function sink(port: number) {
  const started = await startSmtpSink(port);
  cleanups.push(() => started.close());
  return started;
}

async function brokenSmtp(port: number, mode: 'refuse' | 'silent') {
  const started = await startBrokenSmtp(port, mode);
  cleanups.push(() => started.close());
  return started;
}

/** The last lines of a server's output, for failure messages. */
function tail(output: string, lines = 25): string {
  return output.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Polls `probe` until it returns something other than undefined; fails with `what` (and context) after `timeoutMs`. */
async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
  context: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const detail = context();
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${detail ? `\n${detail}` : ''}`);
    }
    await sleep(50);
  }
}

async function call(base: string, method: string, path: string, body?: object) {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    ...(body ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Registers (202: the verification job is stored) and checks the account cannot sign in yet. */
async function register(base: string, email: string): Promise<void> {
  const registered = await call(base, 'POST', '/auth/register', { email, password: PASSWORD });
  expect(registered, JSON.stringify(registered.body)).toMatchObject({
    status: 202,
    body: { status: 'verification_sent' },
  });
  const early = await call(base, 'POST', '/auth/login', { email, password: PASSWORD });
  expect(early.status, JSON.stringify(early.body)).toBe(403);
}

async function verifyAndLogin(base: string, email: string, token: string): Promise<void> {
  const verified = await call(base, 'POST', '/auth/verify-email', { token, password: PASSWORD });
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  expect(verified.body.user).toMatchObject({ email, emailVerified: true });
  const login = await call(base, 'POST', '/auth/login', { email, password: PASSWORD });
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  expect(login.body.accessToken).toEqual(expect.any(String));
}

/** Checks what the sink received is the verification email and returns its token. */
function tokenOf(mail: ReceivedMail, email: string, port: string | undefined): string {
  expect(mail.from).toBe('no-reply@mail-e2e.test');
  expect(mail.to).toEqual([email]);
  const parsed = readMail(mail.raw);
  expect(parsed.headers.get('from')).toBe(MAIL_FROM);
  expect(parsed.headers.get('to')).toBe(email);
  expect(parsed.headers.get('subject')).toBe('Verify your email for Gatehouse');
  const link = new RegExp(`http://localhost:${port}/verify-email\\?token=([A-Za-z0-9_~.%-]+)`).exec(
    parsed.text,
  );
  if (!link?.[1]) throw new Error(`no verification link in the mail text:\n${parsed.text}`);
  const token = decodeURIComponent(link[1]);
  expect(parsed.html).toContain(link[1]);
  return token;
}

/** The env of a server sending through SMTP on `smtpPort`, retrying fast (200 ms, 400 ms, 800 ms, ...). */
async function smtpEnv(smtpPort: number, extra: Record<string, string>): Promise<NodeJS.ProcessEnv> {
  return cleanEnv({
    PORT: String(await freePort()),
    GATEHOUSE_MAIL_TRANSPORT: 'smtp',
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    GATEHOUSE_MAIL_FROM: MAIL_FROM,
    GATEHOUSE_JOBS__BACKOFF_BASE_MS: '200',
    GATEHOUSE_JOBS__MAX_ATTEMPTS: '30',
    GATEHOUSE_JOBS__POLL_INTERVAL_MS: '50',
    // The shortest lease configuration allows: a crashed worker's job is free again after 5 s.
    GATEHOUSE_JOBS__LEASE_SECONDS: '5',
    ...extra,
  });
}

/** Waits for the one mail to `email`, then a little longer to see that no second copy follows. */
async function deliveredOnce(
  inbox: Awaited<ReturnType<typeof sink>>,
  email: string,
  server: Gatehouse,
  timeoutMs: number,
  settleMs = 1_000,
): Promise<ReceivedMail> {
  const mail = await until(
    `the verification email to ${email} at the SMTP sink on port ${inbox.port}`,
    timeoutMs,
    () => inbox.to(email)[0],
    () => `server output:\n${tail(server.output())}`,
  );
  await sleep(settleMs);
  expect(inbox.to(email), 'the verification email arrived more than once').toHaveLength(1);
  return mail;
}

// ---- Embedded PGlite: the SQL job queue ----

describe('mail delivery from a real gatehouse process on embedded PGlite (SQL job queue)', () => {
  it('retries a refused delivery with backoff, keeps the job over a SIGTERM restart, and delivers once', async () => {
    const dataDir = dataDirWithDatabase();
    const smtpPort = await freePort();
    const env = await smtpEnv(smtpPort, { GATEHOUSE_DATA_DIR: dataDir });
    const email = newEmail();

    // A mail server that turns every connection away (421): each delivery attempt shows up as one connection.
    const refusing = await brokenSmtp(smtpPort, 'refuse');
    const first = await serve(env);
    await register(first.url, email);
    await until(
      'three refused delivery attempts',
      10_000,
      () => (refusing.connections.length >= 3 ? true : undefined),
      () => `attempts: ${refusing.connections.length}\n${tail(first.output())}`,
    );
    const [attempt1 = 0, attempt2 = 0, attempt3 = 0] = refusing.connections;
    // Exponential backoff from GATEHOUSE_JOBS__BACKOFF_BASE_MS=200: at least 200 ms, then 400 ms, between attempts.
    expect(attempt2 - attempt1).toBeGreaterThanOrEqual(195);
    expect(attempt3 - attempt2).toBeGreaterThanOrEqual(395);

    // From here nothing listens on the SMTP port; the server is stopped gracefully while the job waits.
    await refusing.close();
    expect(await first.stop()).toBe(0);
    expect(first.output()).toMatch(/SIGTERM received/);

    const inbox = await sink(smtpPort);
    const second = await serve(env);
    const mail = await deliveredOnce(inbox, email, second, 15_000);
    await verifyAndLogin(second.url, email, tokenOf(mail, email, env.PORT));
  }, 40_000);

  it('loses nothing when the process is killed (SIGKILL) right after the 202, with no mail server up', async () => {
    const dataDir = dataDirWithDatabase();
    const smtpPort = await freePort(); // nothing listens there until the sink starts
    const env = await smtpEnv(smtpPort, { GATEHOUSE_DATA_DIR: dataDir });
    const email = newEmail();

    const first = await serve(env);
    await register(first.url, email);
    // The job row was committed before the 202: a crash now (the first attempt possibly in
    // flight, ECONNREFUSED) must not lose it.
    await kill(first);
    // A crash leaves the embedded database's lock behind; the next start must take it over.
    expect(existsSync(join(dataDir, 'gatehouse.lock'))).toBe(true);

    const inbox = await sink(smtpPort);
    const second = await serve(env);
    // At most the 5 s lease of an attempt the crash interrupted, plus the backoff.
    const mail = await deliveredOnce(inbox, email, second, 15_000);
    await verifyAndLogin(second.url, email, tokenOf(mail, email, env.PORT));
  }, 40_000);

  it('runs a job again after its lease (5 s) when the worker is killed mid-attempt, and only then', async () => {
    const dataDir = dataDirWithDatabase();
    const smtpPort = await freePort();
    const env = await smtpEnv(smtpPort, { GATEHOUSE_DATA_DIR: dataDir });
    const email = newEmail();

    // A mail server that accepts and never greets: the first attempt hangs, its job leased.
    const silent = await brokenSmtp(smtpPort, 'silent');
    const first = await serve(env);
    await register(first.url, email);
    await until(
      'a delivery attempt in flight',
      5_000,
      () => silent.connections[0],
      () => tail(first.output()),
    );
    const attemptStarted = silent.connections[0] ?? 0;
    await kill(first);
    await silent.close();

    const inbox = await sink(smtpPort);
    const second = await serve(env);
    const mail = await deliveredOnce(inbox, email, second, 15_000);
    // The restarted worker did not take the job while the dead worker's lease still held it.
    expect(mail.receivedAt - attemptStarted).toBeGreaterThanOrEqual(4_000);
    await verifyAndLogin(second.url, email, tokenOf(mail, email, env.PORT));
  }, 40_000);
});

// ---- PostgreSQL + Redis: BullMQ ----

interface QueuedJob {
  id: string;
  state: 'delayed' | 'waiting' | 'active';
  attemptsMade: number;
  failedReason: string;
}

/** The job of this queue whose payload names `email`, as BullMQ keeps it in Redis. */
async function findJob(redis: Redis, queue: string, email: string): Promise<QueuedJob | undefined> {
  const key = (suffix: string) => `${JOB_PREFIX}:${queue}:${suffix}`;
  const candidates: [QueuedJob['state'], string[]][] = [
    ['delayed', await redis.zrange(key('delayed'), 0, -1)],
    ['waiting', await redis.lrange(key('wait'), 0, -1)],
    ['active', await redis.lrange(key('active'), 0, -1)],
  ];
  for (const [state, ids] of candidates) {
    for (const id of ids) {
      const job = await redis.hgetall(key(id));
      if (!job.data?.includes(email)) continue;
      return {
        id,
        state,
        // BullMQ 6 stores attemptsMade as `atm` (older versions: `attemptsMade`).
        attemptsMade: Number(job.atm ?? job.attemptsMade ?? 0),
        failedReason: job.failedReason ?? '',
      };
    }
  }
  return undefined;
}

/** Deletes this test's queue keys only (the Redis is shared: never FLUSH). */
async function deleteQueue(redis: Redis, queue: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${JOB_PREFIX}:${queue}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

describeWithEnv('DATABASE_URL', 'mail delivery from a real gatehouse process on PostgreSQL', (baseUrl) => {
  describeWithEnv('REDIS_URL', 'with Redis (BullMQ job queue)', (redisUrl) => {
    let scratch: Awaited<ReturnType<typeof createScratchPostgres>>;
    beforeAll(async () => {
      scratch = await createScratchPostgres(baseUrl);
    });
    afterAll(async () => {
      await scratch?.drop();
    });

    it('keeps a retrying job in Redis over a SIGKILL and delivers it once after the restart', async () => {
      // A queue of its own: other servers on this Redis never take (and drop) this test's job.
      const queue = `mail-e2e-${randomBytes(4).toString('hex')}`;
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
      await redis.connect();
      cleanups.push(async () => {
        await deleteQueue(redis, queue);
        redis.disconnect();
      });
      const smtpPort = await freePort(); // nothing listens there until the sink starts
      const env = await smtpEnv(smtpPort, {
        GATEHOUSE_DATA_DIR: tempDir(),
        DATABASE_URL: scratch.url,
        GATEHOUSE_SECRET: randomBytes(32).toString('base64'),
        REDIS_URL: redisUrl,
        GATEHOUSE_JOBS__QUEUE_NAME: queue,
      });
      const email = newEmail();

      const first = await serve(env);
      expect(first.output()).toMatch(/"stateStore":"redis"/);
      await register(first.url, email);
      // Two failed attempts (ECONNREFUSED) put the job in BullMQ's delayed set for 400 ms, then 800 ms:
      // kill while it waits there, so no attempt is in flight (BullMQ's own stalled-job
      // recovery would take 30 s or more).
      const retrying = await until(
        'the job to fail twice and wait for its next attempt',
        10_000,
        async () => {
          const job = await findJob(redis, queue, email);
          return job && job.state === 'delayed' && job.attemptsMade >= 2 ? job : undefined;
        },
        () => tail(first.output()),
      );
      await kill(first);
      expect(retrying.failedReason).toMatch(/ECONNREFUSED/);
      const afterCrash = await findJob(redis, queue, email);
      expect(afterCrash, 'the job was active when the process was killed').toMatchObject({
        id: retrying.id,
        state: 'delayed',
      });

      const inbox = await sink(smtpPort);
      const second = await serve(env);
      const mail = await deliveredOnce(inbox, email, second, 15_000, 1_500);
      await verifyAndLogin(second.url, email, tokenOf(mail, email, env.PORT));
      // Completed jobs are removed from Redis.
      await until('the completed job to leave Redis', 5_000, async () =>
        (await redis.exists(`${JOB_PREFIX}:${queue}:${retrying.id}`)) === 0 ? true : undefined,
      );
    }, 40_000);
  });
});

// ---- The development outbox ----

/** Messages of warning level or above (pino JSON lines) in a server's output. */
function warnings(output: string): string[] {
  const found: string[] = [];
  for (const line of output.split('\n')) {
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string };
      if ((entry.level ?? 0) >= 40) found.push(entry.msg ?? line);
    } catch {
      if (/warn/i.test(line)) found.push(line);
    }
  }
  return found;
}

interface OutboxMessage {
  id: string;
  to: string;
  channel: string;
  template: string;
  subject: string | null;
  text: string;
  links: string[];
  codes: string[];
  data: Record<string, unknown>;
}

async function outbox(base: string, email: string): Promise<OutboxMessage[]> {
  const response = await call(base, 'GET', `/dev/outbox?to=${encodeURIComponent(email)}`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (response.body as { messages: OutboxMessage[] }).messages;
}

function nonLoopbackIPv4(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((address) => address?.family === 'IPv4' && !address.internal)?.address;
}

const listening = /Gatehouse listening on/;

describe('the development outbox through a real gatehouse process', () => {
  it('lists the verification message to loopback callers, verifies with it, and warns only beyond loopback', async () => {
    const env = cleanEnv({ PORT: String(await freePort()), GATEHOUSE_DATA_DIR: dataDirWithDatabase() });
    const email = newEmail();

    const local = await serve(env);
    await register(local.url, email);
    const message = await until(
      'the verification message in the outbox',
      10_000,
      async () => (await outbox(local.url, email))[0],
      () => tail(local.output()),
    );
    expect(message).toMatchObject({
      to: email,
      channel: 'email',
      template: 'verify_email',
      subject: 'Verify your email for Gatehouse',
    });
    const token = message.data.token;
    if (typeof token !== 'string' || token === '') {
      throw new Error(`no data.token in the outbox message: ${JSON.stringify(message)}`);
    }
    expect(message.links).toContain(`http://localhost:${env.PORT}/verify-email?token=${token}`);
    expect(message.codes).toEqual(expect.any(Array));
    expect(message.text).toContain(token);
    await verifyAndLogin(local.url, email, token);

    await until('the start-up log', 5_000, () => (listening.test(local.output()) ? true : undefined));
    expect(warnings(local.output()).filter((warning) => /outbox/i.test(warning))).toEqual([]);
    expect(await local.stop()).toBe(0);

    // Listening on every interface with the outbox transport: the start-up log says so.
    const exposed = await serve({ ...env, HOST: '0.0.0.0' });
    await until('the start-up log', 5_000, () => (listening.test(exposed.output()) ? true : undefined));
    expect(warnings(exposed.output())).toContainEqual(
      expect.stringMatching(/outbox mail\/SMS transport.*listens on 0\.0\.0\.0/),
    );
    // The stored messages outlive the restart and still answer loopback callers...
    expect((await outbox(exposed.url, email)).map((stored) => stored.id)).toContain(message.id);
    // ...but a caller reaching the server through another address of this host is told nothing is there.
    const lan = nonLoopbackIPv4();
    if (lan !== undefined) {
      const lanUrl = `http://${lan}:${env.PORT}/api/v1/dev/outbox?to=${encodeURIComponent(email)}`;
      const remote = await fetch(lanUrl, { signal: AbortSignal.timeout(5_000) });
      expect(remote.status).toBe(404);
      expect(await remote.text()).not.toContain(token);
    }
  }, 40_000);
});
