import type { RequestContext } from '../context/request-context.js';
import type { AuthEngineParts } from '../signin/engine-parts.js';
import { origin } from '../signin/types.js';
import type { UserRow } from './user-repository.js';

/**
 * The owner of an address just proved it (a magic link, an OAuth login whose provider vouches
 * for the email) on an account nobody had verified. Whoever set up its password, factors,
 * passkeys or provider identities never proved that mailbox: it may be a squatter who
 * registered the victim's address first (pre-account hijacking). So the address owner takes
 * the account over: every credential set up before is dropped, every session ends, and the
 * address counts as verified (which bumps the account version).
 */
export async function claimUnverifiedAccount(
  parts: AuthEngineParts,
  user: UserRow,
  via: 'magic_link' | 'oauth',
  ctx: RequestContext,
): Promise<UserRow | undefined> {
  const dropped =
    (await parts.mfa.factors.remove(user.id, ['password', 'totp', 'backup_code', 'sms'])) +
    ((await parts.passkeys?.repository.removeAll(ctx.tenant, user.id)) ?? 0) +
    ((await parts.oauth?.accounts.removeAll(ctx.tenant, user.id)) ?? 0);
  await parts.sessions.revokeUserSessions(ctx.tenant, user.id, { reason: 'email_claimed', ctx });
  parts.audit.emit({
    type: 'email.verified',
    tenant: ctx.tenant,
    userId: user.id,
    data: { via, credentialsDropped: dropped },
    ...origin(ctx),
  });
  return parts.users.markEmailVerified(ctx.tenant, user.id);
}
