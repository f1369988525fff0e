import { stateKeys } from '../state/keys.js';
import type { StateStore } from '../state/types.js';
import type { AuthMethod } from '../tokens/claims.js';
import { systemRandom, type RandomSource } from '../util/random.js';
import type { FactorMethod } from './factor-repository.js';

/**
 * What may finish a challenge: an enrolled second factor, or the account's password after a
 * passkey without user verification (possession alone is one factor).
 */
export type ChallengeMethod = FactorMethod | 'password';

/** A pending sign-in or step-up waiting for its second factor (API.md `{ mfaRequired, challengeId, methods }`). */
export interface MfaChallenge {
  tenant: string;
  userId: string;
  /** The first factor's methods (e.g. ['pwd']); the second factor's are added on success. */
  amr: AuthMethod[];
  methods: ChallengeMethod[];
  /** A step-up challenge: its success renews this session of the signed-in user, never a new one. */
  stepUp?: { sessionId: string };
  /** Ended by its failures; kept until it expires so a late submission is told the account's state. */
  dead?: true;
}

const ID = /^[A-Za-z0-9_-]{43}$/;
/** API.md: a login challenge dies after 5 failures. */
const MAX_FAILURES = 5;
/** How long one verification may hold a challenge (an Argon2id check on a busy host fits easily). */
const CLAIM_SECONDS = 30;

/**
 * Login and step-up challenges on the StateStore: random 256-bit ids, bound to tenant and user,
 * expiring (mfa.challengeTtlSeconds), single-use, dead after 5 failures. One verification at
 * a time holds a challenge (`claim`), so of parallel submissions only one checks its factor:
 * a losing backup code is never used up for a sign-in that cannot happen. No session exists
 * until a challenge is consumed.
 */
export class MfaChallenges {
  constructor(
    private readonly store: StateStore,
    private readonly ttlSeconds: number,
    private readonly random: RandomSource = systemRandom,
  ) {}

  async create(challenge: MfaChallenge): Promise<string> {
    const id = this.random.token(32);
    await this.store.set(key(id), JSON.stringify(challenge), { ttlMs: this.ttlSeconds * 1000 });
    return id;
  }

  /**
   * The challenge of this tenant, or null (unknown, expired, used, another tenant's). A dead
   * one only with `includeDead` (verification answers it from the account's failure budget).
   */
  async get(
    id: string,
    tenant: string,
    options: { includeDead?: boolean } = {},
  ): Promise<MfaChallenge | null> {
    if (!ID.test(id)) return null;
    const raw = await this.store.get(key(id));
    const challenge = raw ? (JSON.parse(raw) as MfaChallenge) : null;
    if (challenge?.tenant !== tenant) return null;
    return challenge.dead && !options.includeDead ? null : challenge;
  }

  /** Counts a failed attempt; the fifth ends the challenge (it stays, marked dead, until it expires). */
  async recordFailure(id: string, challenge: MfaChallenge): Promise<void> {
    const failures = await this.store.increment(stateKeys.global('mfa', id, 'failures'), {
      ttlMs: this.ttlSeconds * 1000,
    });
    if (failures.value < MAX_FAILURES) return;
    const dead: MfaChallenge = { ...challenge, dead: true };
    await this.store.set(key(id), JSON.stringify(dead), { ttlMs: this.ttlSeconds * 1000 });
  }

  /** Holds the challenge for one verification: false while another one holds it. */
  claim(id: string): Promise<boolean> {
    const ttlMs = Math.min(CLAIM_SECONDS, this.ttlSeconds) * 1000;
    return this.store.set(stateKeys.global('mfa', id, 'claim'), '1', { ttlMs, ifAbsent: true });
  }

  async release(id: string): Promise<void> {
    await this.store.delete(stateKeys.global('mfa', id, 'claim'));
  }

  /** Uses the challenge up: true for exactly one concurrent caller, never for a dead one. */
  async consume(id: string): Promise<boolean> {
    const raw = await this.store.take(key(id));
    return raw !== null && (JSON.parse(raw) as MfaChallenge).dead !== true;
  }
}

const key = (id: string) => stateKeys.global('mfa', id);
