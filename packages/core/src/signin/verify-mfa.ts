import type { RequestContext } from '../context/request-context.js';
import { verifySecondFactor, type FactorProof } from '../mfa/verify-factor.js';
import { verifyPasskeyFactor } from '../webauthn/passkey-factor.js';
import type { AssertionJSON } from '../webauthn/relying-party.js';
import { issueSession, refuseAccount } from './complete-sign-in.js';
import type { AuthEngineParts } from './engine-parts.js';
import { fail, type Outcome, type TokenPair } from './types.js';

/** A code (TOTP, backup code, SMS), or for method 'webauthn' a passkey assertion. */
export type MfaVerifyInput = { challengeId: string } & (
  FactorProof | { method: 'webauthn'; credential: AssertionJSON }
);

/**
 * POST /auth/mfa/verify: the challenge (this tenant's, live) → the account still usable →
 * the factor (the account's failure budget applies, whatever the challenge; a failure also
 * counts against the challenge, which dies at 5) → the challenge consumed (exactly one of
 * concurrent verifications wins) → the session, with both factors in `amr`.
 */
export async function verifyMfa(
  parts: AuthEngineParts,
  input: MfaVerifyInput,
  ctx: RequestContext,
): Promise<Outcome<{ tokens: TokenPair }>> {
  const { challenges } = parts.mfa;
  const challenge = await challenges.get(input.challengeId, ctx.tenant);
  if (!challenge || !challenge.methods.includes(input.method as never)) return fail('invalid_code');
  const user = await parts.users.findById(ctx.tenant, challenge.userId);
  if (!user) return fail('invalid_code');
  const refusal = refuseAccount(parts, user, ctx);
  if (refusal) return refusal;

  const verified =
    'credential' in input
      ? await verifyPasskeyFactor(parts, user, input, ctx)
      : await verifySecondFactor(parts, user, input, ctx);
  if (!verified.ok) {
    await challenges.recordFailure(input.challengeId);
    return verified;
  }
  if (!(await challenges.consume(input.challengeId))) return fail('invalid_code');
  return issueSession(parts, user, [...challenge.amr, verified.amr, 'mfa'], ctx, true);
}
