import type { RequestContext } from '../context/request-context.js';
import { checkCurrentPassword } from '../lifecycle/current-password.js';
import type { SignedIn } from '../lifecycle/change-password.js';
import { verifySecondFactor, type FactorProof } from '../mfa/verify-factor.js';
import type { AuthMethod } from '../tokens/claims.js';
import type { AuthEngineParts } from './engine-parts.js';
import { tokenPair } from './session-flows.js';
import { fail, type Outcome, type TokenPair } from './types.js';
import { toPublicUser } from '../accounts/public-user.js';

export interface StepUpRequest {
  password: string;
  mfa?: FactorProof | undefined;
}

/**
 * POST /auth/step-up: the factors of a login of this account, again — the password (under
 * the login throttles: failed step-ups count like failed logins), then a second factor when
 * one is enrolled — and the same session gets a fresh `auth_time` and `amr` with a rotated
 * refresh token. A passkey step-up arrives with the passkey work.
 */
export async function stepUp(
  parts: AuthEngineParts,
  who: SignedIn,
  input: StepUpRequest,
  ctx: RequestContext,
): Promise<Outcome<{ tokens: TokenPair }>> {
  const user = await parts.users.findById(ctx.tenant, who.userId);
  if (!user || user.status !== 'active') return fail('unauthorized');
  const refused = await checkCurrentPassword(parts, user, input.password, ctx);
  if (refused) return refused;

  const methods = await parts.mfa.factors.enrolledMethods(user.id);
  const amr: AuthMethod[] = ['pwd'];
  if (methods.length > 0) {
    if (!input.mfa) return fail('invalid_code', { reason: 'mfa_required' });
    const second = await verifySecondFactor(parts, user, input.mfa, ctx);
    if (!second.ok) return second;
    amr.push(second.amr, 'mfa');
  }
  const stepped = await parts.sessions.stepUpSession({
    tenant: ctx.tenant,
    userId: user.id,
    sessionId: who.sessionId,
    amr,
    ctx,
  });
  if (!stepped.ok) return fail('invalid_token');
  const publicUser = stepped.session.user ?? toPublicUser(user, methods.length > 0);
  return { ok: true, tokens: tokenPair(parts.issuer, stepped.session, stepped.refreshToken, publicUser) };
}

/** API.md: factor and identity changes need `auth_time` within `mfa.stepUpMaxAgeSeconds`. */
export function isRecentSignIn(authTimeSeconds: number, nowMs: number, maxAgeSeconds: number): boolean {
  return nowMs / 1000 - authTimeSeconds <= maxAgeSeconds;
}
