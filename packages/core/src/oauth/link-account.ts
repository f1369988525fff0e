import { staleSignIn } from '../access/index.js';
import { activeUser } from '../accounts/active-user.js';
import type { UserRow } from '../accounts/user-repository.js';
import type { RequestContext } from '../kernel/request-context.js';
import { NOTICE_JOB } from '../accounts/notice-job.js';
import type { SignedIn } from '../kernel/signed-in.js';
import type { OAuthFlowParts } from './oauth-parts.js';
import { fail, origin, type Outcome } from '../kernel/outcome.js';
import { startAttempt, type AuthorizationStarted } from './begin-authorization.js';
import type { ProviderIdentity } from './providers/types.js';
import { linkedUser, linkIdentity } from './sign-in-identity.js';

/**
 * POST /oauth/:provider/link (bearer; a recent sign-in first): an attempt that, at
 * its callback, links the provider identity to this user. No code comes back (the user is
 * signed in already), so the app's PKCE challenge is not needed.
 */
export async function beginLink(
  parts: OAuthFlowParts,
  who: SignedIn,
  providerId: string,
  input: { redirectTo: string },
  ctx: RequestContext,
): Promise<Outcome<AuthorizationStarted>> {
  const stale = staleSignIn(parts, who);
  if (stale) return stale;
  const user = await activeUser(parts.users, ctx.tenant, who.userId);
  if (!user) return fail('unauthorized');
  const link = { userId: who.userId, sessionId: who.sessionId };
  return startAttempt(parts, providerId, { redirectTo: input.redirectTo, appCodeChallenge: null, link }, ctx);
}

/**
 * The callback of a link attempt: the user must still be active and the session that asked
 * still alive (an attempt outlives neither a logout nor a revocation: whoever ended that
 * session, e.g. after a stolen token, must not see an identity linked by it minutes later);
 * an identity already linked to this user is fine (nothing changes), one linked to another
 * account is a `conflict` (it is never moved: that account's owner unlinks it first).
 */
export async function completeLink(
  parts: OAuthFlowParts,
  providerId: string,
  identity: ProviderIdentity,
  who: SignedIn,
  ctx: RequestContext,
): Promise<Outcome<object>> {
  const user = await activeUser(parts.users, ctx.tenant, who.userId);
  if (!user) return fail('unauthorized');
  if (!(await parts.sessions.getSession(ctx.tenant, who.userId, who.sessionId))) {
    return fail('unauthorized', { reason: 'session_ended' });
  }
  const owner = await linkedUser(parts, providerId, identity, ctx);
  if (owner) return owner.id === user.id ? { ok: true } : fail('conflict');
  const linked = await linkIdentity(parts, providerId, identity, user, ctx);
  if (!linked.ok) return linked;
  await identityChanged(parts, user, who, 'linked', providerId, ctx);
  return { ok: true };
}

/**
 * After an identity was linked or unlinked: what any change of a way in does (see
 * `factorsChanged`): bump av, end every other session, audit `oauth.<change>`, and tell the
 * address (mail `mfa_changed`, e.g. "google sign in linked").
 */
export async function identityChanged(
  parts: OAuthFlowParts,
  user: UserRow,
  who: SignedIn,
  change: 'linked' | 'unlinked',
  providerId: string,
  ctx: RequestContext,
): Promise<void> {
  await parts.users.bumpAccountVersion(ctx.tenant, user.id);
  await parts.sessions.revokeUserSessions(ctx.tenant, user.id, {
    except: who.sessionId,
    reason: `oauth_${change}`,
    ctx,
  });
  parts.audit.emit({
    type: `oauth.${change}`,
    tenant: ctx.tenant,
    userId: user.id,
    data: { provider: providerId },
    ...origin(ctx),
  });
  await parts.jobs.enqueue(NOTICE_JOB, {
    tenant: ctx.tenant,
    userId: user.id,
    template: 'mfa_changed',
    change: `${providerId}_sign_in_${change}`,
    ip: ctx.ip,
    time: new Date(parts.clock.now()).toISOString(),
  });
}
