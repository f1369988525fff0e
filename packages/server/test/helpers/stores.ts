import { hkdfSync } from 'node:crypto';
import {
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
  // The same derivation as the engine's parts, so the counters' keys match the engine's.
  const derivedKey = (purpose: string) =>
    Buffer.from(hkdfSync('sha256', masterSecret.key, Buffer.alloc(0), `gatehouse:${purpose}`, 32));
  return {
    users: new UserRepository(database.db, clock, random),
    hasher: new PasswordHasher(config.passwords.argon2, { maxLength: config.passwords.maxLength }, random),
    sessions: new SessionService({ store, config, audit: engine.audit, clock, random }),
    throttle: new LoginThrottle(store, config.rateLimits, derivedKey('throttle')),
  };
}
