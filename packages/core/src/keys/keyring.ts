import type { Clock } from '../util/clock.js';
import { systemClock } from '../util/clock.js';
import { systemRandom, type RandomSource } from '../util/random.js';
import { retryAfter } from '../limits/fixed-window.js';
import { generateSigningKey } from './generate-key.js';
import type { SigningKeyRepository } from './signing-key-repository.js';
import type { PublicJwk, SigningAlgorithm, SigningKey } from './types.js';

export interface KeyringOptions {
  repository: SigningKeyRepository;
  /** The algorithm new keys get; existing keys keep the one they were made for. */
  algorithm: SigningAlgorithm;
  /** How long a retired key keeps verifying (default: the access token lifetime). */
  graceSeconds: number;
  /**
   * How long the next key must have been published before a rotation may make it sign:
   * every instance must have loaded it (tokens.keyRefreshIntervalSeconds plus a margin),
   * or tokens it signs are refused by instances that have never seen it.
   */
  nextKeyMinAgeSeconds: number;
  clock?: Clock;
  /** Symmetric key material and HS256 key ids (default: the system's CSPRNG). */
  random?: RandomSource;
}

/** A rotation done (the kid that signs now), or refused until the next key is old enough. */
export type KeyRotation =
  { ok: true; current: string } | { ok: false; code: 'rotation_too_soon'; retryAfterSeconds: number };

export interface KeyringNotice {
  level: 'info' | 'warn';
  message: string;
}

/**
 * The signing keys one instance works with, loaded from the Database into memory
 * so signing and verifying never touch it. `refresh()` re-reads them (other
 * instances may have rotated); `ensureKeys()` creates the first current and next keys.
 */
export class Keyring {
  private keys = new Map<string, SigningKey>();
  private currentKey: SigningKey | undefined;
  private readonly clock: Clock;
  private readonly random: RandomSource;

  constructor(private readonly options: KeyringOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? systemRandom;
  }

  /** Loads keys, creating a current and a next key when missing (races with other instances are harmless). */
  async ensureKeys(): Promise<KeyringNotice[]> {
    const notices: KeyringNotice[] = [];
    await this.refresh();
    const { repository, algorithm } = this.options;
    const now = new Date(this.clock.now());
    if (!this.currentKey) {
      if (await repository.insertIfVacant(await generateSigningKey(algorithm, this.random), 'current', now)) {
        notices.push({ level: 'info', message: `Created a signing key (${algorithm})` });
      }
    }
    const next = this.byStatus('next');
    if (next && next.alg !== algorithm) {
      await repository.deleteNext(next.kid);
      notices.push({
        level: 'info',
        message: `Replaced the next signing key (${next.alg}) with a ${algorithm} one`,
      });
    }
    if (!next || next.alg !== algorithm) {
      await repository.insertIfVacant(await generateSigningKey(algorithm, this.random), 'next', now);
    }
    await this.refresh();
    const current = this.current();
    if (current.alg !== algorithm) {
      notices.push({
        level: 'warn',
        message: `The current signing key uses ${current.alg} but tokens.algorithm is ${algorithm}: rotate keys to switch (gatehouse keys rotate)`,
      });
    }
    return notices;
  }

  /** Re-reads the usable keys from the Database. */
  async refresh(): Promise<void> {
    const keys = await this.options.repository.listUsable(new Date(this.clock.now()));
    this.keys = new Map(keys.map((key) => [key.kid, key]));
    this.currentKey = keys.find((key) => key.status === 'current');
  }

  /**
   * Promotes next → current and retires the current key for the grace period; refused
   * (`rotation_too_soon`, nothing changes) while the next key is younger than
   * `nextKeyMinAgeSeconds`, e.g. right after another rotation made it.
   */
  async rotate(): Promise<KeyRotation> {
    const { repository, algorithm, graceSeconds, nextKeyMinAgeSeconds } = this.options;
    const result = await repository.rotate(
      await generateSigningKey(algorithm, this.random),
      new Date(this.clock.now()),
      graceSeconds,
      nextKeyMinAgeSeconds * 1000,
    );
    await this.refresh();
    if (!result.rotated) {
      return { ok: false, code: 'rotation_too_soon', retryAfterSeconds: retryAfter(result.waitMs) };
    }
    return { ok: true, current: this.current().kid };
  }

  /** The key that signs now. */
  current(): SigningKey {
    if (!this.currentKey) throw new Error('No current signing key: call ensureKeys() first');
    return this.currentKey;
  }

  /** A key that may verify a token with this `kid` (a lookup only: never trusted for anything else). */
  find(kid: string): SigningKey | undefined {
    const key = this.keys.get(kid);
    if (!key) return undefined;
    return key.expiresAt && key.expiresAt.getTime() <= this.clock.now() ? undefined : key;
  }

  hasCurrentKey(): boolean {
    return this.currentKey !== undefined;
  }

  /** The JWKS document: current, next and retired keys still in grace; symmetric keys never. */
  jwks(): { keys: PublicJwk[] } {
    const now = this.clock.now();
    const keys = [...this.keys.values()]
      .filter((key) => key.publicJwk && (!key.expiresAt || key.expiresAt.getTime() > now))
      .sort((a, b) => statusRank(a) - statusRank(b))
      .map((key) => key.publicJwk as PublicJwk);
    return { keys };
  }

  private byStatus(status: SigningKey['status']): SigningKey | undefined {
    return [...this.keys.values()].find((key) => key.status === status);
  }
}

const statusRank = (key: SigningKey) => ({ current: 0, next: 1, retired: 2 })[key.status];
