import { BackendUnavailableError } from '../errors/auth-error.js';
import {
  commandTimeoutOf,
  createRedisClient,
  pingClient,
  runScript,
  toStateStoreError,
  type RedisClient,
  type RedisConnectionOptions,
} from './redis-client.js';
import type { ScriptName } from './redis-scripts.js';
import { redactUrl } from '../util/redact-url.js';
import { assertHeadSwap, assertIndexFor, assertStep, assertTtl } from './validate.js';
import type {
  CompareAndSwapHeadResult,
  CompareAndSwapResult,
  CounterState,
  IncrementOptions,
  IndexOption,
  SetOptions,
  StateStore,
  SwapHeadOptions,
} from './types.js';

export interface RedisStateStoreOptions extends RedisConnectionOptions {
  /**
   * Default true: `connect()` rejects with BackendUnavailableError when the first connection
   * fails (a wrong URL stops startup). With false it returns at once; calls fail closed
   * until Redis answers, and the client keeps reconnecting.
   */
  awaitConnection?: boolean;
}

/**
 * A ping may take one command timeout plus this: a cluster ping visits every master, and a
 * ping that ioredis itself times out should report that, not be cut short by ours.
 */
const PING_MARGIN_MS = 500;

/** deleteIndexed re-reads the index this often when keys are recorded while it runs. */
const MAX_DELETE_ROUNDS = 10;

/**
 * The StateStore on Redis (single node or Cluster). Expiry is Redis's own (PX), so the
 * injected clock plays no part here. Multi-key operations are Lua scripts whose keys
 * share one hash slot.
 */
export class RedisStateStore implements StateStore {
  private closed = false;

  // Every method is async, so a bad argument rejects like any other failure instead of throwing synchronously.
  private constructor(
    private readonly client: RedisClient,
    readonly kind: 'redis' | 'redis-cluster',
    private readonly pingDeadlineMs: number,
  ) {}

  static async connect(options: RedisStateStoreOptions): Promise<RedisStateStore> {
    const { client, kind } = createRedisClient(options);
    const store = new RedisStateStore(client, kind, commandTimeoutOf(options) + PING_MARGIN_MS);
    const connecting = client.connect();
    if (options.awaitConnection === false) {
      connecting.catch(() => undefined); // reconnects in the background
      return store;
    }
    try {
      await connecting;
    } catch (error) {
      client.disconnect();
      // Say where: "Connection is closed" alone does not tell an operator what to fix.
      const where = options.clusterNodes?.length
        ? `Redis Cluster ${options.clusterNodes.join(',')}`
        : `Redis at ${redactUrl(options.redisUrl ?? '')}`;
      throw new BackendUnavailableError(
        'stateStore',
        new Error(`could not connect to ${where}`, { cause: error }),
      );
    }
    return store;
  }

  async get(key: string): Promise<string | null> {
    return this.guard(() => this.client.get(key));
  }

  async set(key: string, value: string, options: SetOptions): Promise<boolean> {
    const ttlMs = assertTtl(options.ttlMs);
    assertIndexFor(key, options.index);
    if (options.index) {
      const args = [value, ttlMs, options.ifAbsent ? '1' : '0'];
      return this.script('ghSetIndexed', [key, options.index], args).then((written) => written === 1);
    }
    // One plain command is already atomic; no script needed.
    return this.guard(() =>
      options.ifAbsent
        ? this.client.set(key, value, 'PX', ttlMs, 'NX')
        : this.client.set(key, value, 'PX', ttlMs),
    ).then((reply) => reply === 'OK');
  }

  async delete(key: string, options: IndexOption = {}): Promise<boolean> {
    assertIndexFor(key, options.index);
    const deleted = options.index
      ? this.script('ghDeleteIndexed', [key, options.index], [])
      : this.guard(() => this.client.del(key));
    return deleted.then((count) => count === 1);
  }

  async take(key: string, options: IndexOption = {}): Promise<string | null> {
    assertIndexFor(key, options.index);
    if (options.index)
      return this.script('ghTakeIndexed', [key, options.index], []) as Promise<string | null>;
    return this.guard(() => this.client.getdel(key));
  }

  async compareAndSwap(
    key: string,
    expected: string,
    next: string,
    options: SetOptions,
  ): Promise<CompareAndSwapResult> {
    const ttlMs = assertTtl(options.ttlMs);
    assertIndexFor(key, options.index);
    const keys = options.index ? [key, options.index] : [key];
    const [swapped, current] = (await this.script('ghCompareAndSwap', keys, [expected, next, ttlMs])) as [
      0 | 1,
      string?,
    ];
    return swapped === 1 ? { swapped: true } : { swapped: false, current: current ?? null };
  }

  async compareAndSwapHead(
    key: string,
    expectedHeadPrefix: string,
    nextHead: string,
    options: SwapHeadOptions,
  ): Promise<CompareAndSwapHeadResult> {
    const ttlMs = assertTtl(options.ttlMs);
    assertIndexFor(key, options.index);
    assertHeadSwap(expectedHeadPrefix, nextHead, options.history);
    const keys = options.index ? [key, options.index] : [key];
    const { history } = options;
    const args = [expectedHeadPrefix, nextHead, ttlMs, history?.entry ?? '', history?.max ?? 1];
    const [swapped, value] = (await this.script('ghCompareAndSwapHead', keys, args)) as [0 | 1, string?];
    if (swapped === 1) return { swapped: true, value: value ?? '' };
    return { swapped: false, current: value ?? null };
  }

  async increment(key: string, options: IncrementOptions): Promise<CounterState> {
    const ttlMs = assertTtl(options.ttlMs);
    const by = assertStep(options.by ?? 1);
    const [value, pttl] = (await this.script('ghIncrement', [key], [by, ttlMs])) as [number, number];
    return { value, ttlMs: pttl };
  }

  async indexMembers(index: string): Promise<string[]> {
    const members = await this.guard(() => this.client.zrange(index, 0, -1));
    if (members.length === 0) return [];
    // The script re-checks every member: the read above is only the list of keys to declare.
    return (await this.script('ghIndexLive', [index, ...members], [])) as string[];
  }

  async deleteIndexed(index: string): Promise<number> {
    let total = 0;
    for (let round = 0; round < MAX_DELETE_ROUNDS; round++) {
      const members = await this.guard(() => this.client.zrange(index, 0, -1));
      if (members.length === 0) break;
      const [deleted, left] = (await this.script('ghDeleteIndexedKeys', [index, ...members], [])) as [
        number,
        number,
      ];
      total += deleted;
      if (left === 0) break;
    }
    return total;
  }

  async ping(): Promise<void> {
    // commandTimeout bounds each PING; the deadline also bounds a cluster stuck refreshing slots.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new BackendUnavailableError('stateStore', new Error('ping timed out'))),
        this.pingDeadlineMs,
      );
    });
    try {
      await Promise.race([this.guard(() => pingClient(this.client)), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** QUIT when connected (pending replies arrive first); otherwise stop reconnecting at once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.client.status === 'ready') {
      try {
        await this.client.quit();
        return;
      } catch {
        // fall through: the connection is already gone
      }
    }
    this.client.disconnect();
  }

  private script(name: ScriptName, keys: string[], args: (string | number)[]): Promise<unknown> {
    return this.guard(() => runScript(this.client, name, keys, args));
  }

  private async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toStateStoreError(error);
    }
  }
}
