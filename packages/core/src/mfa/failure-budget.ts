import type { UserRow } from '../accounts/user-repository.js';
import type { RequestContext } from '../kernel/request-context.js';
import { retryAfter } from '../limits/fixed-window.js';
import type { FactorCheckParts } from './mfa-parts.js';
import { fail, origin, type Failure, type Outcome } from '../kernel/outcome.js';
import { stateKeys } from '../state/keys.js';

/**
 * The account's second-factor failure budget (API.md: "5 wrong codes for an account within
 * 15 minutes → 429, whatever the challenge"): one counter per user for every code check
 * (login challenges, step-up, enrolment confirmations, disable, reset). Spent before the
 * check, so parallel guesses cannot outrun it; a success gives its slot back.
 */
export async function spendFailureBudget(
  parts: FactorCheckParts,
  user: Pick<UserRow, 'id'>,
  ctx: RequestContext,
): Promise<Outcome<{ giveBack: () => Promise<unknown> }>> {
  const { maxFailures, failureWindowSeconds } = parts.config.mfa;
  const key = stateKeys.user(ctx.tenant, user.id, 'mfa', 'failures');
  const ttlMs = failureWindowSeconds * 1000;
  const budget = await parts.mfa.store.increment(key, { ttlMs });
  if (budget.value > maxFailures) {
    parts.audit.emit({ type: 'mfa.throttled', tenant: ctx.tenant, userId: user.id, ...origin(ctx) });
    return fail('rate_limited', { retryAfterSeconds: retryAfter(budget.ttlMs) });
  }
  return { ok: true, giveBack: () => parts.mfa.store.increment(key, { by: -1, ttlMs }) };
}

/**
 * Whether the budget is already spent, without spending it: a submission on a challenge its
 * failures ended is answered 429 while the account's budget is out, like one on a new challenge.
 */
export async function failureBudgetSpent(
  parts: FactorCheckParts,
  user: Pick<UserRow, 'id'>,
  ctx: RequestContext,
): Promise<Failure | null> {
  const { maxFailures, failureWindowSeconds } = parts.config.mfa;
  const key = stateKeys.user(ctx.tenant, user.id, 'mfa', 'failures');
  const budget = await parts.mfa.store.increment(key, { by: 0, ttlMs: failureWindowSeconds * 1000 });
  if (budget.value < maxFailures) return null;
  return fail('rate_limited', { retryAfterSeconds: retryAfter(budget.ttlMs) });
}
