import { stateKeys } from '../state/keys.js';
import type { StateStore } from '../state/types.js';

/** What an assertion challenge was issued for. */
export interface AssertionChallenge {
  tenant: string;
  /**
   * 'sign_in': a first factor (login, passkey step-up); 'second_factor': bound to one MFA
   * login challenge and its user.
   */
  purpose: 'sign_in' | 'second_factor';
  userId?: string;
  mfaChallengeId?: string;
}

/** Challenges are 32 random bytes, base64url (we make them: anything else was never issued). */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * WebAuthn ceremony challenges on the StateStore: single-use (`take`: of concurrent
 * verifications exactly one gets the challenge), expiring after `webauthn.challengeTtlSeconds`.
 * A registration challenge lives in its user's slot (several tabs may each hold one); an
 * assertion challenge is keyed by its own value, since a username-less login names no user
 * until the signature is checked.
 */
export class CeremonyChallenges {
  constructor(
    private readonly store: StateStore,
    private readonly ttlSeconds: number,
  ) {}

  async saveRegistration(tenant: string, userId: string, challenge: string): Promise<void> {
    await this.store.set(registrationKey(tenant, userId, challenge), '1', { ttlMs: this.ttlMs });
  }

  /** Uses up a registration challenge issued to this user: true for exactly one caller. */
  async takeRegistration(tenant: string, userId: string, challenge: string): Promise<boolean> {
    if (!CHALLENGE.test(challenge)) return false;
    return (await this.store.take(registrationKey(tenant, userId, challenge))) !== null;
  }

  async saveAssertion(challenge: string, issuedFor: AssertionChallenge): Promise<void> {
    await this.store.set(assertionKey(challenge), JSON.stringify(issuedFor), { ttlMs: this.ttlMs });
  }

  /** Uses up an assertion challenge: what it was issued for, for exactly one caller; else null. */
  async takeAssertion(challenge: string): Promise<AssertionChallenge | null> {
    if (!CHALLENGE.test(challenge)) return null;
    const raw = await this.store.take(assertionKey(challenge));
    return raw === null ? null : (JSON.parse(raw) as AssertionChallenge);
  }

  private get ttlMs(): number {
    return this.ttlSeconds * 1000;
  }
}

const registrationKey = (tenant: string, userId: string, challenge: string) =>
  stateKeys.user(tenant, userId, 'webauthn', 'registration', challenge);

const assertionKey = (challenge: string) => stateKeys.global('webauthn', 'assertion', challenge);
