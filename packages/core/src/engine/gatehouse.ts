import type { GatehouseConfig } from '../config/index.js';
import { resolveMasterSecret, type MasterSecret } from '../crypto/master-secret.js';
import { SecretBox } from '../crypto/secret-box.js';
import { databaseOptionsOf, openDatabase } from '../database/open.js';
import type { Database } from '../database/types.js';
import { openJobQueue } from '../jobs/open.js';
import type { JobQueue } from '../jobs/types.js';
import { Keyring } from '../keys/keyring.js';
import { SigningKeyRepository } from '../keys/signing-key-repository.js';
import { openStateStore } from '../state/open.js';
import type { StateStore } from '../state/types.js';
import { ensureTenants } from '../tenants/ensure-tenants.js';
import { systemClock, type Clock } from '../util/clock.js';
import { systemRandom, type RandomSource } from '../util/random.js';

export interface Notice {
  level: 'info' | 'warn';
  message: string;
}

/** The engine's resources, opened from one configuration. */
export interface Gatehouse {
  readonly config: GatehouseConfig;
  readonly clock: Clock;
  /** Every key, token, id and code in the engine comes from here. */
  readonly random: RandomSource;
  readonly database: Database;
  readonly stateStore: StateStore;
  /** Durable background jobs (BullMQ with Redis, else a SQL queue on the database). */
  readonly jobs: JobQueue;
  readonly keyring: Keyring;
  readonly masterSecret: MasterSecret;
  /** What happened while opening, for the host to log (a generated secret, new keys...). */
  readonly notices: readonly Notice[];
  close(): Promise<void>;
}

export interface OpenGatehouseOptions {
  clock?: Clock;
  /** Randomness (default: the operating system's CSPRNG); tests may make it reproducible. */
  random?: RandomSource;
  /** Apply pending migrations first (default true). */
  migrate?: boolean;
  /** Use this database instead of opening one from config (tests, embedding apps). */
  database?: Database;
  /** Background job failures (a poll that could not reach the database...), for logging. */
  onJobError?: (error: Error) => void;
}

/**
 * Opens everything in dependency order and closes what was opened if a later step
 * fails, so a failed start leaves no locked data dir or dangling connections.
 */
export async function openGatehouse(
  config: GatehouseConfig,
  options: OpenGatehouseOptions = {},
): Promise<Gatehouse> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const { storage } = config;
  const notices: Notice[] = [];
  const masterSecret = resolveMasterSecret({
    secret: config.secret,
    dataDir: storage.dataDir,
    required: config.environment === 'production' || Boolean(storage.databaseUrl),
    random,
  });
  if (masterSecret.source !== 'configured') {
    notices.push({
      level: 'warn',
      message: `Using a development master secret from ${masterSecret.path}; set GATEHOUSE_SECRET (openssl rand -base64 32) for any shared or production deployment`,
    });
  }

  const cleanups: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const database = options.database ?? (await openDatabase({ ...databaseOptionsOf(storage), clock }));
    if (!options.database) cleanups.push(() => database.close());
    if (options.migrate !== false) await database.migrate();
    await ensureTenants(database.db, config.tenancy.tenants);

    const stateStore = await openStateStore({
      redisUrl: storage.redisUrl,
      redisClusterNodes: storage.redisClusterNodes,
      database,
      clock,
      sweepIntervalMs: storage.stateSweepIntervalMs,
      redis: {
        commandTimeoutMs: storage.redisCommandTimeoutMs,
        connectTimeoutMs: storage.redisConnectTimeoutMs,
      },
    });
    cleanups.push(() => stateStore.close());

    const jobs = await openJobQueue({
      redisUrl: storage.redisUrl,
      redisClusterNodes: storage.redisClusterNodes,
      database,
      options: config.jobs,
      queueName: config.jobs.queueName,
      commandTimeoutMs: config.jobs.redisCommandTimeoutMs,
      random,
      ...(options.onJobError ? { onError: options.onJobError } : {}),
    });
    cleanups.push(() => jobs.close());

    const keyring = new Keyring({
      repository: new SigningKeyRepository(
        database.db,
        new SecretBox(masterSecret.key, 'signing-keys', random),
      ),
      algorithm: config.tokens.algorithm,
      graceSeconds: config.tokens.keyRotationGraceSeconds,
      nextKeyMinAgeSeconds: config.tokens.keyRefreshIntervalSeconds + KEY_LOAD_MARGIN_SECONDS,
      clock,
      random,
    });
    notices.push(...(await keyring.ensureKeys()));
    const stopRefresh = refreshPeriodically(keyring, config.tokens.keyRefreshIntervalSeconds * 1000);
    cleanups.push(async () => stopRefresh());

    return {
      config,
      clock,
      random,
      database,
      stateStore,
      jobs,
      keyring,
      masterSecret,
      notices,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * On top of one refresh interval before a next key may sign: the refresh's own read and
 * small clock differences between the instance that made the key and the one rotating.
 */
const KEY_LOAD_MARGIN_SECONDS = 5;

/** Every instance picks up rotations made elsewhere; a failed refresh keeps the keys it has. */
function refreshPeriodically(keyring: Keyring, intervalMs: number): () => void {
  const timer = setInterval(() => {
    keyring.refresh().catch(() => undefined);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
