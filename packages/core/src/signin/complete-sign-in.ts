import { toPublicUser } from '../accounts/public-user.js';
import type { UserRow } from '../accounts/user-repository.js';
import type { RequestContext } from '../context/request-context.js';
import type { AuthMethod } from '../tokens/claims.js';
import type { AuthEngineParts } from './engine-parts.js';
import { tokenPair } from './session-flows.js';
import { fail, origin, type Outcome, type TokenPair } from './types.js';

/**
 * The one sign-in pipeline's tail: every first factor (password today; magic link,
 * OAuth, passkeys later) ends here once it is verified. Account state is revealed only
 * now, after the secret checked out. No session exists before every check passed.
 */
export async function completeSignIn(
  parts: AuthEngineParts,
  user: UserRow,
  amr: AuthMethod[],
  ctx: RequestContext,
): Promise<Outcome<{ tokens: TokenPair }>> {
  const { config, audit } = parts;
  const refusal = accountRefusal(user, config.accounts.requireVerifiedEmail);
  if (refusal) {
    audit.emit({
      type: 'login.refused',
      tenant: ctx.tenant,
      userId: user.id,
      reason: refusal,
      ...origin(ctx),
    });
    return fail(refusal);
  }
  // Second-factor policy arrives with MFA: enrolled factors turn this into a challenge.
  return issueSession(parts, user, amr, ctx);
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

async function issueSession(
  parts: AuthEngineParts,
  user: UserRow,
  amr: AuthMethod[],
  ctx: RequestContext,
): Promise<Outcome<{ tokens: TokenPair }>> {
  const publicUser = toPublicUser(user);
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
  if (!created.ok) return fail('rate_limited', { retryAfterSeconds: 60 });
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
