import { createHmac } from 'node:crypto';
import { normalizeEmail } from '../kernel/email.js';
import { stateKeys } from '../state/keys.js';
import type { StateStore } from '../state/types.js';
import { systemRandom, type RandomSource } from '../util/random.js';

/** One sign-up waiting for its address to be verified: the password chosen at it, when, from where. */
export interface PendingSignup {
  id: string;
  passwordHash: string;
  /** ISO 8601. */
  at: string;
  ip: string;
}

/** How many recent sign-ups of one address are kept (each a password the verifier may name). */
const SLOTS = 3;

/**
 * The sign-ups of an address that nobody has verified yet. A sign-up never decides who owns
 * an address: the mailbox does. Verifying must therefore name the password chosen at one of
 * these sign-ups (or set a new one), so a squatter who registered the address first can never
 * see their password activated by the owner's click, and a later sign-up never overwrites an
 * earlier one's password silently.
 *
 * Kept by an HMAC of the address, written for every sign-up alike (known, unknown and
 * verified addresses do the same work), in `SLOTS` ring slots picked by an atomic counter:
 * concurrent sign-ups never lose each other, the oldest is overwritten. Expires with the
 * verification link.
 */
export class PendingSignups {
  constructor(
    private readonly store: StateStore,
    private readonly keySecret: Buffer,
    private readonly ttlSeconds: () => number,
    private readonly random: RandomSource = systemRandom,
  ) {}

  async add(tenant: string, email: string, signup: Omit<PendingSignup, 'id'>): Promise<PendingSignup> {
    const recorded = { id: this.random.uuid(), ...signup };
    const ttlMs = this.ttlSeconds() * 1000;
    const address = this.address(tenant, email);
    const { value } = await this.store.increment(stateKeys.global('signup', address, 'seq'), { ttlMs });
    await this.store.set(
      stateKeys.global('signup', address, String(value % SLOTS)),
      JSON.stringify(recorded),
      {
        ttlMs,
      },
    );
    return recorded;
  }

  /** The live sign-ups of the address, newest first. */
  async list(tenant: string, email: string): Promise<PendingSignup[]> {
    const address = this.address(tenant, email);
    const raws = await Promise.all(
      Array.from({ length: SLOTS }, (_, slot) =>
        this.store.get(stateKeys.global('signup', address, String(slot))),
      ),
    );
    return raws
      .map(parse)
      .filter((signup): signup is PendingSignup => signup !== null)
      .sort((a, b) => b.at.localeCompare(a.at));
  }

  /** Forgets them once the address is verified (their passwords must not linger). */
  async clear(tenant: string, email: string): Promise<void> {
    const address = this.address(tenant, email);
    await Promise.all(
      Array.from({ length: SLOTS }, (_, slot) =>
        this.store.delete(stateKeys.global('signup', address, String(slot))),
      ),
    );
  }

  /** The state store never holds an address. */
  private address(tenant: string, email: string): string {
    return createHmac('sha256', this.keySecret)
      .update(`${tenant}\n${normalizeEmail(email)}`)
      .digest('base64url');
  }
}

function parse(raw: string | null): PendingSignup | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<PendingSignup>;
    return typeof value.id === 'string' &&
      typeof value.passwordHash === 'string' &&
      typeof value.at === 'string' &&
      typeof value.ip === 'string'
      ? (value as PendingSignup)
      : null;
  } catch {
    return null;
  }
}
