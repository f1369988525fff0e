/**
 * The hot paths' StateStore budget, counted twice on a private redis-server: as StateStore
 * calls (`countStateStoreCalls`) and as the commands Redis actually received from the engine
 * (MONITOR, minus what Lua scripts run inside the server). A budget that grows is a
 * regression in latency and in the load a flood of requests puts on Redis.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { countStateStoreCalls, type CountingStateStore } from '@gatehouse/core';
import type { LightMyRequestResponse } from 'fastify';
import { describeWithEnv } from '../../../core/test/helpers/real-backends.js';
import { PASSWORD, type SecurityServer, type TokenPair } from './harness.js';
import { openRedisBackedServer } from './redis-backed.js';

describeWithEnv('REDIS_URL', 'StateStore command budget (private redis-server)', () => {
  let server: SecurityServer;
  let close: () => Promise<void>;
  let counter: CountingStateStore;
  let monitor: Redis;
  let marker: Redis;
  let seen: string[] = [];
  let markers = 0;
  let pair: TokenPair;

  beforeAll(async () => {
    const opened = await openRedisBackedServer({
      wrapStateStore: (store) => (counter = countStateStoreCalls(store)).store,
      // MONITOR before any other client: ioredis treats monitor lines that arrive in the same
      // read as MONITOR's OK as replies ("Command queue state error"), which the server's
      // job queue traffic at start-up made happen when the worker process was already warm.
      beforeServer: async (redis) => {
        const client = new Redis(redis.url);
        monitor = await client.monitor(); // a connection of its own
        client.disconnect();
      },
    });
    ({ server, close } = opened);
    marker = new Redis(opened.redis.url);
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source !== 'lua') seen.push(args.join(' ').toLowerCase());
    });
    await server.createUser('budget@example.com');
    // Warm up every script once (the first EVALSHA of a script is a NOSCRIPT + EVAL).
    pair = await server.login('budget@example.com');
    await server.post('/auth/login', { email: 'budget@example.com', password: 'wrong password!' });
    pair = (await server.post('/auth/refresh', { refreshToken: pair.refreshToken })).json() as TokenPair;
  });
  afterAll(async () => {
    monitor?.disconnect();
    marker?.disconnect();
    await close?.();
  });

  /** Runs `request` and returns its StateStore calls and the Redis commands the engine sent. */
  async function measure(request: () => Promise<LightMyRequestResponse>) {
    await drain(); // whatever came before (late MONITOR events included) is not this request's
    seen = [];
    counter.reset();
    const response = await request();
    const calls = counter.calls();
    const commands = (await drain()).map((command) => command.split(' ')[0]!);
    return { response, calls, total: counter.total(), commands };
  }

  /** The commands seen up to a marker sent now on another connection (MONITOR keeps the server's order). */
  async function drain(): Promise<string[]> {
    const id = `budget-marker-${++markers}`;
    await marker.echo(id);
    let at: number;
    while ((at = seen.findIndex((command) => command.includes(id))) === -1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return seen.slice(0, at);
  }

  it('strict verify-token: 1 call (GET of the session), 1 Redis command', async () => {
    const m = await measure(() => server.get('/auth/verify-token?mode=strict', { token: pair.accessToken }));
    expect(m.response.statusCode).toBe(204);
    expect(m.calls).toEqual({ get: 1 });
    expect(m.commands).toEqual(['get']);
  });

  it('jwt verify-token: no StateStore call at all; hybrid: 1, then 0 while cached', async () => {
    const jwt = await measure(() => server.get('/auth/verify-token?mode=jwt', { token: pair.accessToken }));
    expect(jwt.response.statusCode).toBe(204);
    expect(jwt.total).toBe(0);
    expect(jwt.commands).toEqual([]);
    const cold = await measure(() =>
      server.get('/auth/verify-token?mode=hybrid', { token: pair.accessToken }),
    );
    const warm = await measure(() =>
      server.get('/auth/verify-token?mode=hybrid', { token: pair.accessToken }),
    );
    expect([cold.response.statusCode, warm.response.statusCode]).toEqual([204, 204]);
    expect([cold.total, warm.total]).toEqual([1, 0]);
  });

  it('refresh: 2 calls (per-session rate limit, rotation script), 2 Redis commands', async () => {
    const m = await measure(() => server.post('/auth/refresh', { refreshToken: pair.refreshToken }));
    expect(m.response.statusCode).toBe(200);
    pair = m.response.json() as TokenPair;
    expect(m.calls).toEqual({ increment: 1, compareAndSwapHead: 1 });
    expect(m.commands).toEqual(['evalsha', 'evalsha']);
  });

  it('successful login: 8 calls, 8 Redis commands', async () => {
    const m = await measure(() =>
      server.post('/auth/login', { email: 'budget@example.com', password: PASSWORD }),
    );
    expect(m.response.statusCode).toBe(200);
    expect(m.calls).toEqual({
      // 4 to begin the attempt (counted before it is tried, in parallel): read the lock, and
      // count the (email, IP), IP and consecutive-failure counters; 3 to settle it as a
      // success: the (email, IP) and consecutive counts go back to 0, the IP slot is returned.
      increment: 7,
      set: 1, // the new session, recorded in the user's index (one script)
    });
    expect(m.commands).toEqual(Array(8).fill('evalsha'));
  });

  it('failed login: 5 calls, 5 Redis commands, known and unknown email alike', async () => {
    for (const email of ['budget@example.com', 'stranger@example.com']) {
      const m = await measure(() => server.post('/auth/login', { email, password: 'wrong password!' }));
      expect(m.response.statusCode).toBe(401);
      // The 4 of beginning the attempt (it was counted as a failure up front), and 1 recording
      // its (email, IP) counter in the email's index, so an admin unlock can find and clear it.
      expect(m.calls, email).toEqual({ increment: 4, set: 1 });
      expect(m.commands, email).toEqual(Array(5).fill('evalsha'));
    }
  });

  it('throttled login: 7 calls (4 to begin, 3 to give the refused attempt back)', async () => {
    for (let i = 0; i < 10; i++)
      await server.post('/auth/login', { email: 'hammer@example.com', password: 'nope!' });
    const m = await measure(() =>
      server.post('/auth/login', { email: 'hammer@example.com', password: 'nope!' }),
    );
    expect(m.response.statusCode).toBe(429);
    expect(m.calls).toEqual({ increment: 7 });
    expect(m.commands).toEqual(Array(7).fill('evalsha'));
  });
});
