import { sameHash } from '../sessions/device.js';
import { stateKeys } from '../state/keys.js';
import type { StateStore } from '../state/types.js';
import { SECRET_FORMAT, sha256 } from './secrets.js';

/**
 * One sign-in (or link) attempt at a provider, from `authorize` to its callback. It is found
 * by the `state` the provider hands back and bound to the browser that started it by the
 * hash of the `gh_oauth` cookie value (`bindingHash`), so a callback from another browser
 * (login CSRF: an attacker's code in the victim's browser) finds nothing it can use.
 */
export interface LoginAttempt {
  tenant: string;
  provider: string;
  nonce: string;
  /** The server's own PKCE verifier toward the provider. */
  codeVerifier: string;
  /** Allow-listed when the attempt was made; re-checked before redirecting. */
  redirectTo: string;
  /** S256 challenge of the app's verifier, checked at POST /oauth/exchange (login attempts). */
  appCodeChallenge: string | null;
  /** Set for a link attempt: who asked (bearer + step-up) and from which session. */
  link: { userId: string; sessionId: string } | null;
  bindingHash: string;
}

/** `unknown_state`: never issued, expired or used; `binding_mismatch`: not this browser's. */
export type FoundAttempt =
  { ok: true; attempt: LoginAttempt } | { ok: false; reason: 'unknown_state' | 'binding_mismatch' };

/**
 * Attempts on the StateStore, keyed by the hash of `state` (a dump of the store holds no
 * usable state), expiring after `oauth.stateTtlSeconds`, used once (`take`).
 */
export class LoginAttempts {
  constructor(
    private readonly store: StateStore,
    private readonly ttlSeconds: number,
  ) {}

  async save(state: string, attempt: LoginAttempt): Promise<void> {
    await this.store.set(key(state), JSON.stringify(attempt), { ttlMs: this.ttlSeconds * 1000 });
  }

  /**
   * The live attempt for `state` if `binding` (the cookie value) is the one it was made for.
   * It reads without consuming, so a forged callback without the cookie cannot burn the real
   * browser's attempt.
   */
  async find(state: string, binding: string | undefined): Promise<FoundAttempt> {
    if (!SECRET_FORMAT.test(state)) return { ok: false, reason: 'unknown_state' };
    const raw = await this.store.get(key(state));
    if (raw === null) return { ok: false, reason: 'unknown_state' };
    const attempt = JSON.parse(raw) as LoginAttempt;
    const bound =
      binding !== undefined && SECRET_FORMAT.test(binding) && sameHash(attempt.bindingHash, sha256(binding));
    return bound ? { ok: true, attempt } : { ok: false, reason: 'binding_mismatch' };
  }

  /** Uses the attempt up: true for exactly one of concurrent callbacks. */
  async consume(state: string): Promise<boolean> {
    return (await this.store.take(key(state))) !== null;
  }
}

const key = (state: string) => stateKeys.global('oauth', 'state', sha256(state));
