import { secondFactorRequired } from '../access/index.js';
import { toPublicUser } from '../accounts/public-user.js';
import type { UserRow } from '../accounts/user-repository.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { ChallengeMethod } from '../mfa/index.js';
import { TENANT_CAP_RETRY_AFTER_SECONDS } from '../sessions/tenant-cap.js';
import type { AuthMethod } from '../tokens/claims.js';
import type { SignInParts } from './sign-in-parts.js';
import { tokenPair } from '../sessions/session-flows.js';
import { fail, origin, type Outcome, type SignInResult, type TokenPair } from '../kernel/outcome.js';

export interface CompleteSignInOptions {
  /**
   * The first factor already satisfies MFA on its own (a passkey with user verification),
   * or this call finishes a second-factor challenge.
   */
  mfaSatisfied?: boolean;
  /**
   * What may finish this sign-in when it is not the account's enrolled factors (after a
   * passkey without user verification: the other factors and the password). Empty: none needed.
   */
  methods?: ChallengeMethod[];
}

/**
 * The one sign-in pipeline's tail: every first factor (password, magic link, OAuth, passkey)
 * ends here once it is verified. Account state is revealed only now, after the secret
 * checked out; then the second-factor policy turns the sign-in into a challenge when the
 * account has a factor enrolled. No session exists before every check passed.
 */
export async function completeSignIn(
  parts: SignInParts,
  user: UserRow,
  amr: AuthMethod[],
  ctx: RequestContext,
  options: CompleteSignInOptions = {},
): Promise<SignInResult> {
  const refusal = refuseAccount(parts, user, ctx);
  if (refusal) return refusal;
  const enrolled = await parts.mfa.factors.enrolledMethods(user.id);
  const methods = options.methods ?? enrolled;
  if (methods.length > 0 && !options.mfaSatisfied) {
    const challengeId = await parts.mfa.challenges.create({
      tenant: ctx.tenant,
      userId: user.id,
      amr,
      methods,
    });
    parts.audit.emit({
      type: 'login.mfa_required',
      tenant: ctx.tenant,
      userId: user.id,
      data: { methods: methods.join(' ') },
      ...origin(ctx),
    });
    return { ok: true, mfa: { mfaRequired: true, challengeId, methods } };
  }
  if (methods.length === 0 && mfaRequiredByPolicy(parts, user)) {
    // Required but not enrolled: the sign-in goes ahead so the user can enrol (amr shows no
    // second factor, and admin routes refuse such a session under the 'admins'/'all' policy).
    parts.audit.emit({
      type: 'login.mfa_enrolment_due',
      tenant: ctx.tenant,
      userId: user.id,
      ...origin(ctx),
    });
  }
  return issueSession(parts, user, amr, ctx, enrolled.length > 0);
}

/** Account state (API.md "Account state"): revealed only after the first factor checked out. */
export function refuseAccount(parts: SignInParts, user: UserRow, ctx: RequestContext) {
  const refusal = accountRefusal(user, parts.config.accounts.requireVerifiedEmail);
  if (!refusal) return null;
  parts.audit.emit({
    type: 'login.refused',
    tenant: ctx.tenant,
    userId: user.id,
    reason: refusal,
    ...origin(ctx),
  });
  return fail(refusal);
}

export function mfaRequiredByPolicy(parts: SignInParts, user: Pick<UserRow, 'roles'>): boolean {
  return secondFactorRequired(parts.config, user.roles);
}

function accountRefusal(
  user: UserRow,
  requireVerifiedEmail: boolean,
): 'account_disabled' | 'account_locked' | 'email_unverified' | null {
  // An admin's lock reads like the throttle's lockout (423) once the password checked out.
  if (user.status === 'locked') return 'account_locked';
  if (user.status !== 'active') return 'account_disabled';
  if (requireVerifiedEmail && user.emailVerifiedAt === null) return 'email_unverified';
  return null;
}

export async function issueSession(
  parts: SignInParts,
  user: UserRow,
  amr: AuthMethod[],
  ctx: RequestContext,
  mfaEnabled: boolean,
): Promise<Outcome<{ tokens: TokenPair }>> {
  const publicUser = toPublicUser(user, mfaEnabled);
  const created = await parts.sessions.createSession({
    ctx,
    userId: user.id,
    authTime: parts.clock.now(),
    amr,
    versions: { rv: user.roleVersion, pv: user.permissionVersion, av: user.accountVersion },
    roles: user.roles,
    user: publicUser,
  });
  // The tenant's session cap is reached (sessions.maxPerTenant): others are never evicted.
  if (!created.ok) return fail('rate_limited', { retryAfterSeconds: TENANT_CAP_RETRY_AFTER_SECONDS });
  parts.audit.emit({
    type: 'login.succeeded',
    tenant: ctx.tenant,
    userId: user.id,
    sessionId: created.sessionId,
    data: { amr: amr.join(' ') },
    ...origin(ctx),
  });
  return { ok: true, tokens: tokenPair(parts.issuer, created.session, created.refreshToken, publicUser) };
}
