import { stateKeys } from '../state/keys.js';
import type { StateStore } from '../state/types.js';
import { systemRandom, type RandomSource } from '../util/random.js';
import { newSecret, SECRET_FORMAT, sha256 } from './secrets.js';

/** What a callback's one-time code stands for until POST /oauth/exchange redeems it. */
export interface ExchangeGrant {
  tenant: string;
  userId: string;
  provider: string;
  /** S256 challenge of the app's verifier: the code alone is worth nothing (it travels in a URL). */
  codeChallenge: string;
}

/**
 * The one-time codes the callback hands to `redirectTo` (API.md: single use, 60 s). Stored
 * under their hash; `take` makes exactly one of concurrent exchanges the winner.
 */
export class ExchangeCodes {
  constructor(
    private readonly store: StateStore,
    private readonly ttlSeconds: number,
    private readonly random: RandomSource = systemRandom,
  ) {}

  async issue(grant: ExchangeGrant): Promise<string> {
    const code = newSecret(this.random);
    await this.store.set(key(code), JSON.stringify(grant), { ttlMs: this.ttlSeconds * 1000 });
    return code;
  }

  /** Uses the code up: its grant for exactly one caller; null when unknown, used or expired. */
  async take(code: string): Promise<ExchangeGrant | null> {
    if (!SECRET_FORMAT.test(code)) return null;
    const raw = await this.store.take(key(code));
    return raw === null ? null : (JSON.parse(raw) as ExchangeGrant);
  }
}

const key = (code: string) => stateKeys.global('oauth', 'exchange', sha256(code));
