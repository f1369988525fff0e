import type { UserRow } from '../accounts/user-repository.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { SignedIn } from '../kernel/signed-in.js';
import { checkCurrentPassword } from './current-password.js';
import { failureBudgetSpent } from '../mfa/index.js';
import type { MfaChallenge } from '../mfa/index.js';
import { verifySecondFactor, type FactorProof } from '../mfa/index.js';
import type { AuthMethod } from '../tokens/claims.js';
import type { AssertionJSON } from '../kernel/passkey-assertion.js';
import { issueSession, refuseAccount } from './complete-sign-in.js';
import type { SignInParts } from './sign-in-parts.js';
import { forSignedInCaller } from '../kernel/signed-in-failure.js';
import { renewSession } from './step-up.js';
import { fail, type Outcome, type TokenPair } from '../kernel/outcome.js';

/**
 * A code (TOTP, backup code, SMS); for method 'webauthn' a passkey assertion; for method
 * 'password' the account's password (offered after a passkey without user verification).
 */
export type MfaVerifyInput = { challengeId: string } & (
  FactorProof | { method: 'webauthn'; credential: AssertionJSON } | { method: 'password'; password: string }
);

/**
 * POST /auth/mfa/verify, as ordered checks: the challenge (this tenant's, offering this
 * method; a step-up challenge only for the signed-in session it was issued to) → the account
 * still usable → a challenge its failures ended answers 429 while the account's code budget
 * is spent, else invalid_code → the challenge held for this one verification (a parallel
 * one answers 409 without its factor being checked, so a second backup code is not used up
 * for nothing) → the factor (codes spend the account's failure budget; a failure also counts
 * against the challenge, which dies at 5) → the challenge consumed → a new session with both
 * factors in `amr`, or for a step-up challenge the same session renewed. A caller with a
 * valid bearer hears wrong secrets as 400 (`forSignedInCaller`), never 401.
 */
export async function verifyMfa(
  parts: SignInParts,
  input: MfaVerifyInput,
  ctx: RequestContext,
  who?: SignedIn,
): Promise<Outcome<{ tokens: TokenPair }>> {
  const outcome = await verifyChallenge(parts, input, ctx, who);
  return who ? forSignedInCaller(outcome) : outcome;
}

async function verifyChallenge(
  parts: SignInParts,
  input: MfaVerifyInput,
  ctx: RequestContext,
  who: SignedIn | undefined,
): Promise<Outcome<{ tokens: TokenPair }>> {
  const { challenges } = parts.mfa;
  const challenge = await challenges.get(input.challengeId, ctx.tenant, { includeDead: true });
  if (!challenge || !challenge.methods.includes(input.method as never)) return fail('invalid_code');
  if (challenge.stepUp) {
    if (!who) return fail('unauthorized');
    if (who.userId !== challenge.userId || who.sessionId !== challenge.stepUp.sessionId) {
      return fail('invalid_code');
    }
  }
  const user = await parts.users.findById(ctx.tenant, challenge.userId);
  if (!user) return fail('invalid_code');
  const refusal = refuseAccount(parts, user, ctx);
  if (refusal) return refusal;
  if (challenge.dead) return (await failureBudgetSpent(parts, user, ctx)) ?? fail('invalid_code');

  if (!(await challenges.claim(input.challengeId))) {
    return fail('conflict', { reason: 'verification_in_progress' });
  }
  try {
    const verified = await verifyFactor(parts, user, input, ctx);
    if (!verified.ok) {
      await challenges.recordFailure(input.challengeId, challenge);
      return verified;
    }
    if (!(await challenges.consume(input.challengeId))) return fail('invalid_code');
    return await finish(parts, user, challenge, [...challenge.amr, verified.amr, 'mfa'], ctx);
  } finally {
    await challenges.release(input.challengeId);
  }
}

async function verifyFactor(
  parts: SignInParts,
  user: UserRow,
  input: MfaVerifyInput,
  ctx: RequestContext,
): Promise<Outcome<{ amr: AuthMethod }>> {
  if ('credential' in input) {
    return parts.verifyPasskeyFactor ? parts.verifyPasskeyFactor(user, input, ctx) : fail('invalid_code');
  }
  if ('password' in input) {
    // Under the login throttles, like every password check.
    const refused = await checkCurrentPassword(parts, user, input.password, ctx);
    return refused ?? { ok: true, amr: 'pwd' };
  }
  return verifySecondFactor(parts, user, input, ctx);
}

function finish(
  parts: SignInParts,
  user: UserRow,
  challenge: MfaChallenge,
  amr: AuthMethod[],
  ctx: RequestContext,
): Promise<Outcome<{ tokens: TokenPair }>> {
  if (!challenge.stepUp) return issueSession(parts, user, amr, ctx, true);
  return renewSession(parts, user, { userId: user.id, sessionId: challenge.stepUp.sessionId }, amr, ctx);
}
