import { staleSignIn } from '../access/index.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { AccountParts } from './account-parts.js';
import { fail, origin, type Outcome } from '../kernel/outcome.js';
import { checkCurrentPassword } from '../signin/index.js';
import type { SignedIn } from '../kernel/signed-in.js';

/**
 * DELETE /users/account (the caller checks step-up: a sign-in within
 * mfa.stepUpMaxAgeSeconds); a password, when the client sends one, must be right too →
 * soft delete. The row stays with its normalised email, so the address can never be
 * registered again by someone else (no takeover of a deleted identity); credentials and
 * profile data go, every session and pending one-time secret ends.
 */
export async function deleteAccount(
  parts: AccountParts,
  who: SignedIn,
  password: string | undefined,
  ctx: RequestContext,
): Promise<Outcome<object>> {
  const stale = staleSignIn(parts, who);
  if (stale) return stale;
  const user = await parts.users.findById(ctx.tenant, who.userId);
  if (!user || user.status === 'deleted') return fail('unauthorized');
  if (password !== undefined) {
    const refused = await checkCurrentPassword(parts, user, password, ctx);
    if (refused) return refused;
  }

  await parts.users.softDelete(ctx.tenant, user.id);
  await Promise.all([
    parts.secrets.revoke('verify_email', ctx.tenant, user.id),
    parts.secrets.revoke('password_reset', ctx.tenant, user.id),
  ]);
  await parts.sessions.revokeUserSessions(ctx.tenant, user.id, { reason: 'account_deleted', ctx });
  parts.audit.emit({ type: 'account.deleted', tenant: ctx.tenant, userId: user.id, ...origin(ctx) });
  return { ok: true };
}
