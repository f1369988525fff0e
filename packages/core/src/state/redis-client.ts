import { Cluster, Redis, type ClusterNode } from 'ioredis';
import { configDefaults } from '../config/defaults.js';
import { BackendUnavailableError } from '../errors/auth-error.js';
import { scripts, type ScriptName } from './redis-scripts.js';

export interface RedisConnectionOptions {
  /** Single node, e.g. `redis://127.0.0.1:6379`. */
  redisUrl?: string | undefined;
  /** Redis Cluster seed nodes as `host:port`; wins over `redisUrl`. */
  clusterNodes?: string[] | undefined;
  /** Per-command deadline; a hung Redis fails the call instead of stalling a login (config `storage.redisCommandTimeoutMs`). */
  commandTimeoutMs?: number;
  /** TCP connect deadline (config `storage.redisConnectTimeoutMs`). */
  connectTimeoutMs?: number;
  /** Connection errors while reconnecting (for logging); they are otherwise swallowed. */
  onError?: (error: Error) => void;
}

export type RedisClient = Redis | Cluster;

/**
 * Reconnects forever: 100 ms, 200 ms, … capped at 2 s. Commands fail fast meanwhile
 * (no offline queue), and the store recovers on its own when Redis is back.
 */
export const reconnectDelay = (attempt: number): number => Math.min(50 * 2 ** Math.min(attempt, 6), 2_000);

/** The per-command deadline these options give. */
export function commandTimeoutOf(options: RedisConnectionOptions): number {
  return options.commandTimeoutMs ?? configDefaults.storage.redisCommandTimeoutMs;
}

export function createRedisClient(options: RedisConnectionOptions): {
  client: RedisClient;
  kind: 'redis' | 'redis-cluster';
} {
  const perCommand = {
    // Queued commands would wait for a reconnect that may never come: fail closed now instead.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutOf(options),
    connectTimeout: options.connectTimeoutMs ?? configDefaults.storage.redisConnectTimeoutMs,
  };
  let client: RedisClient;
  let kind: 'redis' | 'redis-cluster';
  if (options.clusterNodes?.length) {
    client = new Cluster(options.clusterNodes.map(parseNode), {
      lazyConnect: true,
      enableOfflineQueue: false,
      clusterRetryStrategy: reconnectDelay,
      redisOptions: perCommand,
    });
    kind = 'redis-cluster';
  } else if (options.redisUrl) {
    client = new Redis(options.redisUrl, { ...perCommand, lazyConnect: true, retryStrategy: reconnectDelay });
    kind = 'redis';
  } else {
    throw new TypeError('RedisStateStore needs redisUrl or clusterNodes');
  }
  // Without a listener ioredis prints every reconnect failure; outages surface on calls instead.
  client.on('error', (error: Error) => options.onError?.(error));
  for (const [name, definition] of Object.entries(scripts)) client.defineCommand(name, definition);
  return { client, kind };
}

function parseNode(node: string): ClusterNode {
  const colon = node.lastIndexOf(':');
  const port = Number(node.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new TypeError(`Redis Cluster node must be host:port, got ${JSON.stringify(node)}`);
  }
  return { host: node.slice(0, colon), port };
}

type ScriptCall = (this: RedisClient, numberOfKeys: number, ...args: (string | number)[]) => Promise<unknown>;

/** Runs a script from `redis-scripts.ts` (EVALSHA, falling back to EVAL once per connection). */
export function runScript(
  client: RedisClient,
  name: ScriptName,
  keys: string[],
  args: (string | number)[],
): Promise<unknown> {
  const call = (client as unknown as Record<ScriptName, ScriptCall>)[name];
  return call.call(client, keys.length, ...keys, ...args);
}

/**
 * Single node: PING. Cluster: every master that owns slots must answer — one PING to a
 * random node would report a cluster that has lost a master (a third of all users) as fine.
 */
export async function pingClient(client: RedisClient): Promise<void> {
  if (!(client instanceof Cluster)) {
    await client.ping();
    return;
  }
  const masters = new Map(
    client.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, node]),
  );
  const owners = new Set<string | undefined>();
  for (let slot = 0; slot < 16_384; slot++) owners.add(client.slots[slot]?.[0]);
  for (const owner of owners) {
    if (owner === undefined || !masters.has(owner))
      throw new Error(`no connection to a master (${owner ?? 'unassigned slots'})`);
  }
  await Promise.all([...masters.values()].map((node) => node.ping()));
}

/** Server replies that mean "Redis cannot serve right now", not "your command is wrong". */
const UNAVAILABLE_REPLY =
  /^(LOADING|BUSY|CLUSTERDOWN|MASTERDOWN|TRYAGAIN|READONLY|NOREPLICAS|OOM|NOAUTH|WRONGPASS|NOPERM)\b/;

/**
 * A script or logic error (WRONGTYPE, CROSSSLOT, a Lua error) is a bug and keeps its own
 * error. Everything else — refused or closed connections, timeouts, a cluster without a
 * quorum, retries exhausted — becomes BackendUnavailableError, so callers fail closed.
 */
export function toStateStoreError(error: unknown): Error {
  if (error instanceof BackendUnavailableError) return error;
  const isReply = error instanceof Error && error.name === 'ReplyError';
  if (isReply && !UNAVAILABLE_REPLY.test(error.message)) return error;
  return new BackendUnavailableError('stateStore', error);
}
