import { createHmac } from 'node:crypto';
import type { GatehouseConfig } from '../config/index.js';
import { stateKeys } from '../state/keys.js';
import type { StateStore } from '../state/types.js';
import { retryAfter } from './fixed-window.js';

export type LoginGate =
  | { allowed: true }
  | { allowed: false; reason: 'rate_limited' | 'account_locked'; retryAfterSeconds: number };

const CONSECUTIVE_WINDOW_MS = 24 * 3600 * 1000;

/**
 * API.md "Login throttling". Counters are keyed by an HMAC of the identifier, so the
 * state store never holds email addresses and unknown identifiers are counted exactly
 * like known ones (the answers reveal nothing):
 * - failures per (identifier, IP) per window → 429;
 * - failures per IP per window → 429;
 * - consecutive failures per identifier from any IP → locked (423) for lockoutSeconds,
 *   the correct password included.
 * A success resets the identifier's counters and its (identifier, IP) counter; the
 * IP-wide counter is left alone so one valid account cannot launder an IP's failures.
 */
export class LoginThrottle {
  constructor(
    private readonly store: StateStore,
    private readonly config: GatehouseConfig['rateLimits'],
    private readonly keySecret: Buffer,
  ) {}

  /** Before any hashing: three counter reads in parallel. */
  async check(tenant: string, identifier: string, ip: string): Promise<LoginGate> {
    if (!this.config.enabled) return { allowed: true };
    const keys = this.keys(tenant, identifier, ip);
    const { login } = this.config;
    const read = (key: string, windowSeconds: number) =>
      this.store.increment(key, { by: 0, ttlMs: windowSeconds * 1000 });
    const [lock, pair, perIp] = await Promise.all([
      read(keys.lock, login.lockoutSeconds),
      read(keys.pair, login.windowSeconds),
      read(keys.ip, login.windowSeconds),
    ]);
    if (lock.value > 0)
      return { allowed: false, reason: 'account_locked', retryAfterSeconds: retryAfter(lock.ttlMs) };
    if (pair.value >= login.perIdentifierAndIp) {
      return { allowed: false, reason: 'rate_limited', retryAfterSeconds: retryAfter(pair.ttlMs) };
    }
    if (perIp.value >= login.perIp) {
      return { allowed: false, reason: 'rate_limited', retryAfterSeconds: retryAfter(perIp.ttlMs) };
    }
    return { allowed: true };
  }

  /** Counts a failure; returns true when this failure locked the identifier. */
  async recordFailure(tenant: string, identifier: string, ip: string): Promise<boolean> {
    if (!this.config.enabled) return false;
    const keys = this.keys(tenant, identifier, ip);
    const { login } = this.config;
    const [, , consecutive] = await Promise.all([
      this.store.increment(keys.pair, { ttlMs: login.windowSeconds * 1000 }),
      this.store.increment(keys.ip, { ttlMs: login.windowSeconds * 1000 }),
      this.store.increment(keys.consecutive, { ttlMs: CONSECUTIVE_WINDOW_MS }),
    ]);
    if (consecutive.value < login.lockoutThreshold) return false;
    await this.store.set(keys.lock, '1', { ttlMs: login.lockoutSeconds * 1000 });
    await this.store.delete(keys.consecutive);
    return true;
  }

  async recordSuccess(tenant: string, identifier: string, ip: string): Promise<void> {
    if (!this.config.enabled) return;
    const keys = this.keys(tenant, identifier, ip);
    await Promise.all([this.store.delete(keys.pair), this.store.delete(keys.consecutive)]);
  }

  /** Admin unlock: clears the lock and the consecutive-failure count. */
  async unlock(tenant: string, identifier: string): Promise<void> {
    const keys = this.keys(tenant, identifier, '');
    await Promise.all([this.store.delete(keys.lock), this.store.delete(keys.consecutive)]);
  }

  async isLocked(tenant: string, identifier: string): Promise<boolean> {
    return (await this.store.get(this.keys(tenant, identifier, '').lock)) !== null;
  }

  private keys(tenant: string, identifier: string, ip: string) {
    const id = this.digest(`${tenant}\u0000${identifier}`);
    return {
      lock: stateKeys.global('login', 'lock', id),
      consecutive: stateKeys.global('login', 'consecutive', id),
      pair: stateKeys.global('login', 'pair', this.digest(`${tenant}\u0000${identifier}\u0000${ip}`)),
      ip: stateKeys.global('login', 'ip', this.digest(`${tenant}\u0000${ip}`)),
    };
  }

  private digest(value: string): string {
    return createHmac('sha256', this.keySecret).update(value).digest('base64url').slice(0, 32);
  }
}
