import { createHmac } from 'node:crypto';
import type { GatehouseConfig } from '../config/index.js';
import { stateKeys } from '../state/keys.js';
import type { StateStore } from '../state/types.js';
import { clientNetworkKey } from './client-network.js';
import { retryAfter } from './fixed-window.js';

export type LoginRefusal = {
  allowed: false;
  reason: 'rate_limited' | 'account_locked';
  retryAfterSeconds: number;
};

export type LoginGate = { allowed: true } | LoginRefusal;

/**
 * An attempt `begin()` let through, already counted: the (identifier, IP) and
 * consecutive-failure counts including it. Settle it with `recordFailure` or `recordSuccess`.
 */
export interface LoginAttempt {
  allowed: true;
  pair: number;
  consecutive: number;
}

/** What an admin sees of an identifier's throttles (durations from now; 0 when not in force). */
export interface IdentifierThrottleState {
  /** Locked out (423 for every attempt, the right password included) for this long. */
  lockedForMs: number;
  /** At least one client network is over its (identifier, IP) limit (429), the longest for this long. */
  throttledForMs: number;
}

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
 * "IP" is the client network (`clientNetworkKey`): an IPv6 client counts by its /64
 * (rateLimits.ipv6Prefix), an IPv4-mapped address as the IPv4 address.
 *
 * The (identifier, IP) counters are keyed by IP, so to find them all again (admin unlock,
 * the admin view) each failure also records its counter in an index per identifier. Only
 * failures write it: a successful login costs no extra call.
 *
 * Flows use `begin()`, which counts an attempt before it is tried: with a read-only
 * `check()` followed by `recordFailure()`, a burst of parallel attempts would all read
 * "below the limit" before any of them is counted, and every limit would hold per request
 * but not per burst.
 */
export class LoginThrottle {
  constructor(
    private readonly store: StateStore,
    private readonly config: GatehouseConfig['rateLimits'],
    private readonly keySecret: Buffer,
  ) {}

  /** Read-only: whether an attempt would be let through now (three counter reads in parallel). */
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

  /**
   * Before any hashing, for an attempt about to be tried: counts it up front, as if it
   * failed, in the (identifier, IP), IP and consecutive-failure counters (one atomic
   * increment each, in parallel with the lock read), and refuses it when the identifier is
   * locked or a count is over its limit. Of any number of parallel attempts, exactly as many
   * as the limits allow get through. A refused attempt is given back: it never counts as a
   * failure (so 429s do not lock accounts or use up a shared IP's allowance).
   */
  async begin(tenant: string, identifier: string, ip: string): Promise<LoginAttempt | LoginRefusal> {
    if (!this.config.enabled) return { allowed: true, pair: 0, consecutive: 0 };
    const keys = this.keys(tenant, identifier, ip);
    const { login } = this.config;
    const count = (key: string, ttlMs: number, by = 1) => this.store.increment(key, { by, ttlMs });
    const windowMs = login.windowSeconds * 1000;
    const [lock, pair, perIp, consecutive] = await Promise.all([
      count(keys.lock, login.lockoutSeconds * 1000, 0),
      count(keys.pair, windowMs),
      count(keys.ip, windowMs),
      count(keys.consecutive, CONSECUTIVE_WINDOW_MS),
    ]);
    const refusal = (reason: LoginRefusal['reason'], ttlMs: number): LoginRefusal => ({
      allowed: false,
      reason,
      retryAfterSeconds: retryAfter(ttlMs),
    });
    const refused =
      lock.value > 0
        ? refusal('account_locked', lock.ttlMs)
        : // Parallel attempts past the threshold: the one that reached it locks when it fails.
          consecutive.value > login.lockoutThreshold
          ? refusal('account_locked', login.lockoutSeconds * 1000)
          : pair.value > login.perIdentifierAndIp
            ? refusal('rate_limited', pair.ttlMs)
            : perIp.value > login.perIp
              ? refusal('rate_limited', perIp.ttlMs)
              : null;
    if (!refused) return { allowed: true, pair: pair.value, consecutive: consecutive.value };
    await Promise.all([
      count(keys.pair, windowMs, -1),
      count(keys.ip, windowMs, -1),
      count(keys.consecutive, CONSECUTIVE_WINDOW_MS, -1),
    ]);
    return refused;
  }

  /**
   * Counts a failure (an `attempt` from `begin()` is counted already: only the lockout is
   * decided); returns true when this failure locked the identifier.
   */
  async recordFailure(
    tenant: string,
    identifier: string,
    ip: string,
    attempt?: LoginAttempt,
  ): Promise<boolean> {
    if (!this.config.enabled) return false;
    const keys = this.keys(tenant, identifier, ip);
    const { login } = this.config;
    const windowMs = login.windowSeconds * 1000;
    if (attempt) {
      await this.markPairSeen(keys);
      if (attempt.consecutive < login.lockoutThreshold) return false;
      await this.store.set(keys.lock, '1', { ttlMs: login.lockoutSeconds * 1000 });
      // Subtract what was counted rather than delete: attempts still in flight keep theirs.
      await this.store.increment(keys.consecutive, {
        by: -attempt.consecutive,
        ttlMs: CONSECUTIVE_WINDOW_MS,
      });
      return true;
    }
    const [, , consecutive] = await Promise.all([
      this.store.increment(keys.pair, { ttlMs: windowMs }),
      this.store.increment(keys.ip, { ttlMs: windowMs }),
      this.store.increment(keys.consecutive, { ttlMs: CONSECUTIVE_WINDOW_MS }),
      this.markPairSeen(keys),
    ]);
    if (consecutive.value < login.lockoutThreshold) return false;
    await this.store.set(keys.lock, '1', { ttlMs: login.lockoutSeconds * 1000 });
    await this.store.delete(keys.consecutive);
    return true;
  }

  /**
   * Resets the identifier's counters and its (identifier, IP) counter. For an `attempt`
   * from `begin()` it also gives back the IP-wide slot it took (a success is no failure),
   * and subtracts what it counted instead of deleting, so parallel attempts keep theirs.
   */
  async recordSuccess(tenant: string, identifier: string, ip: string, attempt?: LoginAttempt): Promise<void> {
    if (!this.config.enabled) return;
    const keys = this.keys(tenant, identifier, ip);
    if (!attempt) {
      await Promise.all([this.store.delete(keys.pair), this.store.delete(keys.consecutive)]);
      return;
    }
    const { login } = this.config;
    const windowMs = login.windowSeconds * 1000;
    await Promise.all([
      this.store.increment(keys.pair, { by: -attempt.pair, ttlMs: windowMs }),
      this.store.increment(keys.ip, { by: -1, ttlMs: windowMs }),
      this.store.increment(keys.consecutive, { by: -attempt.consecutive, ttlMs: CONSECUTIVE_WINDOW_MS }),
    ]);
  }

  /**
   * Admin unlock (and a password reset): clears every counter of the identifier: the lock,
   * the consecutive-failure count and its (identifier, IP) counters from every network. The
   * IP-wide counters are the networks', not the identifier's, and stay.
   */
  async unlock(tenant: string, identifier: string): Promise<void> {
    const keys = this.identifierKeys(tenant, identifier);
    const pairs = await this.seenPairs(keys.pairIndex);
    await Promise.all([
      this.store.delete(keys.lock),
      this.store.delete(keys.consecutive),
      ...pairs.map((pair) => this.store.delete(pair)),
    ]);
    await this.store.deleteIndexed(keys.pairIndex);
  }

  async isLocked(tenant: string, identifier: string): Promise<boolean> {
    // Reading the lock as a counter (check, begin) leaves a live "0" behind: that is no lock.
    return Number(await this.store.get(this.identifierKeys(tenant, identifier).lock)) > 0;
  }

  /** For the admin view: how long the identifier stays locked out, and throttled from some network. */
  async state(tenant: string, identifier: string): Promise<IdentifierThrottleState> {
    if (!this.config.enabled) return { lockedForMs: 0, throttledForMs: 0 };
    const keys = this.identifierKeys(tenant, identifier);
    const { login } = this.config;
    const [lock, pairs] = await Promise.all([
      this.store.increment(keys.lock, { by: 0, ttlMs: login.lockoutSeconds * 1000 }),
      this.seenPairs(keys.pairIndex),
    ]);
    const counts = await Promise.all(
      pairs.map((pair) => this.store.increment(pair, { by: 0, ttlMs: login.windowSeconds * 1000 })),
    );
    const throttled = counts.filter((count) => count.value >= login.perIdentifierAndIp);
    return {
      lockedForMs: lock.value > 0 ? lock.ttlMs : 0,
      throttledForMs: Math.max(0, ...throttled.map((count) => count.ttlMs)),
    };
  }

  /** Records the (identifier, IP) counter in the identifier's index, for as long as its window. */
  private async markPairSeen(keys: ReturnType<LoginThrottle['keys']>): Promise<void> {
    await this.store.set(keys.pairSeen, '1', {
      ttlMs: this.config.login.windowSeconds * 1000,
      index: keys.pairIndex,
    });
  }

  /** The (identifier, IP) counter keys recorded for an identifier (from the names of their marks). */
  private async seenPairs(pairIndex: string): Promise<string[]> {
    const marks = await this.store.indexMembers(pairIndex);
    return marks.map((mark) => stateKeys.global('login', 'pair', mark.slice(mark.lastIndexOf(':') + 1)));
  }

  private identifierKeys(tenant: string, identifier: string) {
    const id = this.digest(`${tenant}\u0000${identifier}`);
    return {
      lock: stateKeys.global('login', 'lock', id),
      consecutive: stateKeys.global('login', 'consecutive', id),
      // One slot per identifier for the index and its marks (Redis Cluster: same hash tag).
      pairIndex: stateKeys.grouped(`login-${id}`, 'pairs'),
      group: `login-${id}`,
    };
  }

  private keys(tenant: string, identifier: string, ip: string) {
    const { group, ...identifierKeys } = this.identifierKeys(tenant, identifier);
    const network = clientNetworkKey(ip, this.config.ipv6Prefix);
    const pair = this.digest(`${tenant}\u0000${identifier}\u0000${network}`);
    return {
      ...identifierKeys,
      pair: stateKeys.global('login', 'pair', pair),
      pairSeen: stateKeys.grouped(group, 'pair', pair),
      // Not per tenant: API.md counts "100 failures per client IP", and a per-tenant count
      // would give one IP 100 guesses in every tenant.
      ip: stateKeys.global('login', 'ip', this.digest(network)),
    };
  }

  private digest(value: string): string {
    return createHmac('sha256', this.keySecret).update(value).digest('base64url').slice(0, 32);
  }
}
