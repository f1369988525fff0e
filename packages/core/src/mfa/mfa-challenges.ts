import { randomBytes } from 'node:crypto';
import { stateKeys } from '../state/keys.js';
import type { StateStore } from '../state/types.js';
import type { AuthMethod } from '../tokens/claims.js';
import type { FactorMethod } from './factor-repository.js';

/** A pending sign-in waiting for its second factor (API.md `{ mfaRequired, challengeId, methods }`). */
export interface MfaChallenge {
  tenant: string;
  userId: string;
  /** The first factor's methods (e.g. ['pwd']); the second factor's are added on success. */
  amr: AuthMethod[];
  methods: FactorMethod[];
}

const ID = /^[A-Za-z0-9_-]{43}$/;
/** API.md: a login challenge dies after 5 failures. */
const MAX_FAILURES = 5;

/**
 * Login challenges on the StateStore: random 256-bit ids, bound to tenant and user, expiring
 * (mfa.challengeTtlSeconds), single-use (`take`: exactly one concurrent success), ended after
 * 5 failures. No session exists until one is consumed.
 */
export class MfaChallenges {
  constructor(
    private readonly store: StateStore,
    private readonly ttlSeconds: number,
  ) {}

  async create(challenge: MfaChallenge): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.store.set(key(id), JSON.stringify(challenge), { ttlMs: this.ttlSeconds * 1000 });
    return id;
  }

  /** The live challenge of this tenant, or null (unknown, expired, used, another tenant's). */
  async get(id: string, tenant: string): Promise<MfaChallenge | null> {
    if (!ID.test(id)) return null;
    const raw = await this.store.get(key(id));
    const challenge = raw ? (JSON.parse(raw) as MfaChallenge) : null;
    return challenge?.tenant === tenant ? challenge : null;
  }

  /** Counts a failed attempt; the fifth ends the challenge. */
  async recordFailure(id: string): Promise<void> {
    const failures = await this.store.increment(stateKeys.global('mfa', id, 'failures'), {
      ttlMs: this.ttlSeconds * 1000,
    });
    if (failures.value >= MAX_FAILURES) await this.store.delete(key(id));
  }

  /** Uses the challenge up: true for exactly one concurrent caller. */
  async consume(id: string): Promise<boolean> {
    return (await this.store.take(key(id))) !== null;
  }
}

const key = (id: string) => stateKeys.global('mfa', id);
