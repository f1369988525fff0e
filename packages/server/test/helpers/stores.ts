import {
  deriveKey,
  LoginThrottle,
  PasswordHasher,
  SessionService,
  UserRepository,
  type AuthEngine,
} from '@gatehouse/core';

/**
 * A test's own view of an engine's records: the engine keeps its repositories private, so a
 * test that must arrange or inspect state below the API (a user row, a password hash, a
 * session made without signing in, a lock counter) builds these over the same database and
 * StateStore, with the same clock, randomness, Argon2 parameters and keys as the engine.
 */
export interface EngineStores {
  users: UserRepository;
  hasher: PasswordHasher;
  /** Creates sessions directly in the engine's StateStore, auditing to the engine's dispatcher. */
  sessions: SessionService;
  /** Reads the engine's lock counters (keyed like the engine's own throttle). */
  throttle: LoginThrottle;
}

// One set per engine: the Argon2 dummy hash and the like are made once per server, not per call.
const storesByEngine = new WeakMap<AuthEngine, EngineStores>();

export function storesOf(engine: AuthEngine): EngineStores {
  let stores = storesByEngine.get(engine);
  if (!stores) {
    stores = openStores(engine);
    storesByEngine.set(engine, stores);
  }
  return stores;
}

function openStores(engine: AuthEngine): EngineStores {
  const { config, clock, random, database, stateStore: store, masterSecret } = engine.gatehouse;
  return {
    users: new UserRepository(database.db, clock, random),
    hasher: new PasswordHasher(config.passwords.argon2, { maxLength: config.passwords.maxLength }, random),
    sessions: new SessionService({ store, config, audit: engine.audit, clock, random }),
    // The engine's own key derivation, so the counters' keys match the engine's.
    throttle: new LoginThrottle(store, config.rateLimits, deriveKey(masterSecret.key, 'throttle')),
  };
}

/** The administrator a test acts as when it calls `engine.admin` directly (audited as the actor). */
export const TEST_ADMIN = { userId: '00000000-0000-4000-8000-0000000000ad', tenant: 'default' } as const;
