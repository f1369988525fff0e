import { activeUser } from '../accounts/active-user.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { SignedIn } from '../kernel/signed-in.js';
import type { PasskeyFlowParts } from './passkey-parts.js';
import { checkCurrentPassword, finishStepUp, renewSession } from '../signin/index.js';
import { fail, type SignInResult } from '../kernel/outcome.js';
import { methodsAfterPasskey } from './passkey-sign-in.js';
import type { AssertionJSON } from './relying-party.js';
import { verifyAssertion } from './verify-assertion.js';

export interface PasskeyStepUpInput {
  /** An assertion answering options from /auth/webauthn/authenticate/options. */
  credential: AssertionJSON;
  /** With a passkey that cannot verify the user: password + passkey, as at login. */
  password?: string | undefined;
}

/**
 * POST /auth/step-up { credential, password? }: the same factors as a login of this account.
 * The passkey must be the signed-in user's (a failed assertion is 400 `invalid_passkey`).
 * - With user verification it is two factors in one: amr hwk+mfa.
 * - With the password (checked under the login throttles) it is the second factor: pwd+hwk+mfa.
 * - Without either it is possession only: for an account with another factor (a password, TOTP,
 *   SMS) the answer is a step-up challenge for it, finished at POST /auth/mfa/verify, as a
 *   passkey login without UV; an account with nothing else (passkeys only) steps up with amr
 *   hwk, as it signs in.
 * The session keeps its id and gets a fresh auth_time and a rotated refresh token.
 */
export async function stepUpWithPasskey(
  parts: PasskeyFlowParts,
  who: SignedIn,
  input: PasskeyStepUpInput,
  ctx: RequestContext,
): Promise<SignInResult> {
  const user = await activeUser(parts.users, ctx.tenant, who.userId);
  if (!user) return fail('unauthorized');
  const verified = await verifyAssertion(
    parts,
    input.credential,
    ctx,
    (issuedFor, passkey) => issuedFor.purpose === 'sign_in' && passkey.userId === user.id,
  );
  if (!verified.ok) return fail('invalid_passkey');
  if (input.password !== undefined) {
    const refused = await checkCurrentPassword(parts, user, input.password, ctx);
    if (refused) return refused;
    return renewSession(parts, user, who, ['pwd', 'hwk', 'mfa'], ctx);
  }
  if (verified.userVerified) return renewSession(parts, user, who, ['hwk', 'mfa'], ctx);
  return finishStepUp(parts, user, who, ['hwk'], await methodsAfterPasskey(parts, user), ctx);
}
