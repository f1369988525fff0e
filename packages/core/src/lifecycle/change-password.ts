import { activeUser } from '../accounts/active-user.js';
import { normalizePassword, checkPasswordPolicy } from '../password/index.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { AccountParts } from './account-parts.js';
import { fail, origin, type Outcome } from '../kernel/outcome.js';
import { checkCurrentPassword } from '../signin/index.js';
import { notifyPasswordChanged } from './password-reset.js';
import type { SignedIn } from '../kernel/signed-in.js';

export interface ChangePasswordInput {
  currentPassword: string;
  newPassword: string;
}

/**
 * POST /users/password/change: rate limit (per user) → current password (under the login
 * throttles) → not the same password → policy → new hash, account version bumped → every
 * other session ends (this one stays) → "password changed" notice.
 */
export async function changePassword(
  parts: AccountParts,
  who: SignedIn,
  input: ChangePasswordInput,
  ctx: RequestContext,
): Promise<Outcome<object>> {
  const limit = await parts.limits.passwordChange(ctx.tenant, who.userId);
  if (!limit.allowed) return fail('rate_limited', { retryAfterSeconds: limit.retryAfterSeconds });
  const user = await activeUser(parts.users, ctx.tenant, who.userId);
  if (!user) return fail('unauthorized');

  const refused = await checkCurrentPassword(parts, user, input.currentPassword, ctx);
  if (refused) return refused;
  if (normalizePassword(input.newPassword) === normalizePassword(input.currentPassword)) {
    return fail('same_password');
  }
  const policy = await checkPasswordPolicy(input.newPassword, {
    email: user.email,
    config: parts.config.passwords,
    ...(parts.breachChecker ? { breachChecker: parts.breachChecker } : {}),
  });
  if (!policy.ok) return fail('weak_password', { reason: policy.reason });

  await parts.users.replacePassword(ctx.tenant, user.id, await parts.hasher.hash(policy.normalized));
  await parts.sessions.revokeUserSessions(ctx.tenant, user.id, {
    except: who.sessionId,
    reason: 'password_changed',
    ctx,
  });
  await notifyPasswordChanged(parts, user.id, ctx);
  parts.audit.emit({ type: 'password.changed', tenant: ctx.tenant, userId: user.id, ...origin(ctx) });
  return { ok: true };
}
