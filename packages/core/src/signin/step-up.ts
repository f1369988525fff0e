import { activeUser } from '../accounts/active-user.js';
import { toPublicUser } from '../accounts/public-user.js';
import type { UserRow } from '../accounts/user-repository.js';
import type { RequestContext } from '../kernel/request-context.js';
import { checkCurrentPassword } from './current-password.js';
import type { SignedIn } from '../kernel/signed-in.js';
import type { ChallengeMethod } from '../mfa/index.js';
import { verifySecondFactor, type FactorProof } from '../mfa/index.js';
import type { AuthMethod } from '../tokens/claims.js';
import type { SignInParts } from './sign-in-parts.js';
import { tokenPair } from '../sessions/session-flows.js';
import { fail, origin, type Outcome, type SignInResult, type TokenPair } from '../kernel/outcome.js';

export interface StepUpRequest {
  password: string;
  mfa?: FactorProof | undefined;
}

/**
 * POST /auth/step-up { password, mfa? }: the factors of a login of this account, again — the
 * password (under the login throttles: failed step-ups count like failed logins), then a
 * second factor when one is enrolled. With `mfa` in the body that factor is checked at once;
 * without, the answer is a step-up challenge (`{ mfaRequired, challengeId, methods }`) that
 * the same session finishes at POST /auth/mfa/verify, as a login does. Either way the same
 * session gets a fresh `auth_time` and `amr` with a rotated refresh token.
 */
export async function stepUp(
  parts: SignInParts,
  who: SignedIn,
  input: StepUpRequest,
  ctx: RequestContext,
): Promise<SignInResult> {
  const user = await activeUser(parts.users, ctx.tenant, who.userId);
  if (!user) return fail('unauthorized');
  const refused = await checkCurrentPassword(parts, user, input.password, ctx);
  if (refused) return refused;

  const methods = await parts.mfa.factors.enrolledMethods(user.id);
  if (methods.length === 0 || !input.mfa) return finishStepUp(parts, user, who, ['pwd'], methods, ctx);
  const second = await verifySecondFactor(parts, user, input.mfa, ctx);
  if (!second.ok) return second;
  return renewSession(parts, user, who, ['pwd', second.amr, 'mfa'], ctx);
}

/**
 * How every step-up ends once its first factor (`amr`) checked out and no second factor came
 * with it (password, passkey): an account with no factor left to ask (`methods` empty) gets
 * this session renewed at once; any other gets a challenge for one of them, bound to this
 * user and session, whose success renews this session (it never creates one).
 */
export async function finishStepUp(
  parts: SignInParts,
  user: UserRow,
  who: SignedIn,
  amr: AuthMethod[],
  methods: ChallengeMethod[],
  ctx: RequestContext,
): Promise<SignInResult> {
  if (methods.length === 0) return renewSession(parts, user, who, amr, ctx);
  const challengeId = await parts.mfa.challenges.create({
    tenant: ctx.tenant,
    userId: user.id,
    amr,
    methods,
    stepUp: { sessionId: who.sessionId },
  });
  parts.audit.emit({
    type: 'step_up.mfa_required',
    tenant: ctx.tenant,
    userId: user.id,
    sessionId: who.sessionId,
    data: { methods: methods.join(' ') },
    ...origin(ctx),
  });
  return { ok: true, mfa: { mfaRequired: true, challengeId, methods } };
}

/** Every factor of the step-up checked out: the same session, fresh auth_time and amr, a new refresh token. */
export async function renewSession(
  parts: SignInParts,
  user: UserRow,
  who: SignedIn,
  amr: AuthMethod[],
  ctx: RequestContext,
): Promise<Outcome<{ tokens: TokenPair }>> {
  const stepped = await parts.sessions.stepUpSession({
    tenant: ctx.tenant,
    userId: user.id,
    sessionId: who.sessionId,
    amr,
    ctx,
  });
  if (!stepped.ok) return fail('invalid_token');
  const mfaEnabled = async () => (await parts.mfa.factors.enrolledMethods(user.id)).length > 0;
  const publicUser = stepped.session.user ?? toPublicUser(user, await mfaEnabled());
  return { ok: true, tokens: tokenPair(parts.issuer, stepped.session, stepped.refreshToken, publicUser) };
}
