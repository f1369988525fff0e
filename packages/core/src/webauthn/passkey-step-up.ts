import { toPublicUser } from '../accounts/public-user.js';
import type { UserRow } from '../accounts/user-repository.js';
import type { RequestContext } from '../context/request-context.js';
import type { SignedIn } from '../lifecycle/change-password.js';
import { checkCurrentPassword } from '../lifecycle/current-password.js';
import type { AuthEngineParts } from '../signin/engine-parts.js';
import { tokenPair } from '../signin/session-flows.js';
import { fail, origin, type Failure, type Outcome, type TokenPair } from '../signin/types.js';
import type { AuthMethod } from '../tokens/claims.js';
import type { AssertionJSON } from './relying-party.js';
import { verifyAssertion } from './verify-assertion.js';

export interface PasskeyStepUpInput {
  /** An assertion answering options from /auth/webauthn/authenticate/options. */
  credential: AssertionJSON;
  /** Needed when the passkey cannot verify the user: password + passkey, as at login. */
  password?: string | undefined;
}

/**
 * POST /auth/step-up { credential, password? }: API.md accepts "a passkey with user
 * verification" in place of password + second factor. A passkey without UV proves
 * possession only, so it counts as the second factor after the password (checked under the
 * login throttles) — the same factors as a login of that account. The passkey must be the
 * signed-in user's; the session keeps its id and gets a fresh auth_time.
 */
export async function stepUpWithPasskey(
  parts: AuthEngineParts,
  who: SignedIn,
  input: PasskeyStepUpInput,
  ctx: RequestContext,
): Promise<Outcome<{ tokens: TokenPair }>> {
  const user = await parts.users.findById(ctx.tenant, who.userId);
  if (!user || user.status !== 'active') return fail('unauthorized');
  const verified = await verifyAssertion(
    parts,
    input.credential,
    ctx,
    (issuedFor, passkey) => issuedFor.purpose === 'sign_in' && passkey.userId === user.id,
  );
  if (!verified.ok) return fail('invalid_credentials');
  const refused = await passwordUnlessVerified(parts, user, input.password, verified.userVerified, ctx);
  if (refused) return refused;
  const amr: AuthMethod[] = input.password === undefined ? ['hwk', 'mfa'] : ['pwd', 'hwk', 'mfa'];
  const stepped = await parts.sessions.stepUpSession({
    tenant: ctx.tenant,
    userId: user.id,
    sessionId: who.sessionId,
    amr,
    ctx,
  });
  if (!stepped.ok) return fail('invalid_token');
  const publicUser = stepped.session.user ?? toPublicUser(user, true);
  return { ok: true, tokens: tokenPair(parts.issuer, stepped.session, stepped.refreshToken, publicUser) };
}

/** A password sent is always checked; without one, the passkey must have verified the user. */
async function passwordUnlessVerified(
  parts: AuthEngineParts,
  user: UserRow,
  password: string | undefined,
  userVerified: boolean,
  ctx: RequestContext,
): Promise<Failure | null> {
  if (password !== undefined) return checkCurrentPassword(parts, user, password, ctx);
  if (userVerified) return null;
  parts.audit.emit({
    type: 'webauthn.step_up_refused',
    tenant: ctx.tenant,
    userId: user.id,
    reason: 'user_verification_required',
    ...origin(ctx),
  });
  return fail('invalid_credentials', { reason: 'user_verification_required' });
}
