import type { GatehouseConfig } from '../config/index.js';
import { fail, type Failure } from '../kernel/outcome.js';
import type { SignedIn } from '../kernel/signed-in.js';
import type { Clock } from '../util/clock.js';

/** Whether a sign-in at `authTimeSeconds` is recent enough for a factor or identity change. */
export function isRecentSignIn(authTimeSeconds: number, nowMs: number, maxAgeSeconds: number): boolean {
  return nowMs / 1000 - authTimeSeconds <= maxAgeSeconds;
}

/**
 * API.md "Step-up": changing a factor, an identity, the email address or deleting the account
 * needs a sign-in within `mfa.stepUpMaxAgeSeconds`. Each such flow calls this as its first
 * step, so an application embedding the engine gets the same rule as the HTTP API. A caller
 * that does not say when it signed in (no `authTime`) is not recent: the rule fails closed.
 */
export function staleSignIn(
  parts: { clock: Clock; config: Pick<GatehouseConfig, 'mfa'> },
  who: SignedIn,
): Failure | undefined {
  const { authTime } = who;
  const recent =
    authTime !== undefined &&
    isRecentSignIn(authTime, parts.clock.now(), parts.config.mfa.stepUpMaxAgeSeconds);
  return recent ? undefined : fail('step_up_required');
}
