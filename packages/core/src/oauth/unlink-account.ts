import { staleSignIn } from '../access/index.js';
import { activeUser } from '../accounts/active-user.js';
import type { UserRow } from '../accounts/user-repository.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { SignedIn } from '../kernel/signed-in.js';
import type { OAuthFlowParts } from './oauth-parts.js';
import { fail, type Outcome } from '../kernel/outcome.js';
import { identityChanged } from './link-account.js';
import type { OAuthAccountRow } from './oauth-account-repository.js';

/** GET /oauth/accounts: what a user sees of a linked identity (never the subject). */
export interface OAuthAccountView {
  id: string;
  provider: string;
  email: string | null;
  createdAt: string;
}

const toView = (row: OAuthAccountRow): OAuthAccountView => ({
  id: row.id,
  provider: row.provider,
  email: row.email,
  createdAt: row.createdAt.toISOString(),
});

export async function listOAuthAccounts(
  parts: OAuthFlowParts,
  who: SignedIn,
  ctx: RequestContext,
): Promise<OAuthAccountView[]> {
  return (await parts.oauth.accounts.listForUser(ctx.tenant, who.userId)).map(toView);
}

/**
 * DELETE /oauth/accounts/:id (a recent sign-in first): only the caller's own identity
 * (another user's or tenant's is 404), and never the account's last way in: without a
 * password or a passkey, the last identity stays (409 `last_sign_in_method`).
 */
export async function unlinkOAuthAccount(
  parts: OAuthFlowParts,
  who: SignedIn,
  id: string,
  ctx: RequestContext,
): Promise<Outcome<object>> {
  const stale = staleSignIn(parts, who);
  if (stale) return stale;
  const user = await activeUser(parts.users, ctx.tenant, who.userId);
  if (!user) return fail('unauthorized');
  const { accounts } = parts.oauth;
  const target = (await accounts.listForUser(ctx.tenant, user.id)).find((row) => row.id === id);
  if (!target) return fail('not_found');
  const keepLast = !(await hasOtherWayIn(parts, user, ctx));
  const removed = await accounts.removeUnlessLast(ctx.tenant, user.id, id, keepLast);
  if (removed !== 'removed') return fail(removed === 'last' ? 'last_sign_in_method' : 'not_found');
  await identityChanged(parts, user, who, 'unlinked', target.provider, ctx);
  return { ok: true };
}

/** A password or a passkey: what still signs the user in once their last identity is gone. */
async function hasOtherWayIn(parts: OAuthFlowParts, user: UserRow, ctx: RequestContext): Promise<boolean> {
  if (await parts.users.passwordHash(user.id)) return true;
  const passkeys = (await parts.passkeys?.repository.listForUser(ctx.tenant, user.id)) ?? [];
  return passkeys.length > 0;
}
