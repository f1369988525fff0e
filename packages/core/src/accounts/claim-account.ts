import type { RequestContext } from '../kernel/request-context.js';
import type { AuditEmitter } from '../audit/types.js';
import type { SessionPort } from '../sessions/session-port.js';
import type { PendingSignups } from './pending-signups.js';
import { origin } from '../kernel/outcome.js';
import type { UserRepository, UserRow } from './user-repository.js';

/** A store of one kind of a user's credentials that a claim wipes. */
interface CredentialStore {
  removeAll(tenant: string, userId: string): Promise<number>;
}

/** What claiming an account touches: the account, its sessions and every credential store. */
export interface ClaimParts {
  audit: AuditEmitter;
  users: UserRepository;
  sessions: Pick<SessionPort, 'revokeUserSessions'>;
  signups: PendingSignups;
  mfa: { factors: { remove(userId: string, methods: readonly string[]): Promise<number> } };
  passkeys?: { repository: CredentialStore } | undefined;
  oauth?: { accounts: CredentialStore } | undefined;
}

/** How the mailbox was proven. */
export type ClaimProof = 'magic_link' | 'oauth' | 'verification' | 'password_reset';

/**
 * The owner of an address just proved it (a magic link, an OAuth login whose provider vouches
 * for the email, a verification or reset mail) on an account nobody had verified. Whoever set
 * up its password, factors, passkeys or provider identities never proved that mailbox: it may
 * be a squatter who registered the victim's address first (pre-account hijacking). So the
 * address owner takes the account over: every credential set up before is dropped, every
 * session ends, and the address counts as verified (which bumps the account version).
 *
 * `passwordHash` is the one password the claimant chose or named while proving the mailbox; it
 * replaces the old one in the same write that verifies the address, so there is never a moment
 * where the account is verified with a password its owner did not type.
 */
export async function claimUnverifiedAccount(
  parts: ClaimParts,
  user: UserRow,
  via: ClaimProof,
  ctx: RequestContext,
  passwordHash?: string,
): Promise<UserRow | undefined> {
  const factors = passwordHash === undefined ? ['password' as const] : [];
  const dropped =
    (await parts.mfa.factors.remove(user.id, [...factors, 'totp', 'backup_code', 'sms'])) +
    ((await parts.passkeys?.repository.removeAll(ctx.tenant, user.id)) ?? 0) +
    ((await parts.oauth?.accounts.removeAll(ctx.tenant, user.id)) ?? 0);
  await parts.sessions.revokeUserSessions(ctx.tenant, user.id, { reason: 'email_claimed', ctx });
  await parts.signups.clear(ctx.tenant, user.email);
  parts.audit.emit({
    type: 'email.verified',
    tenant: ctx.tenant,
    userId: user.id,
    data: { via, credentialsDropped: dropped },
    ...origin(ctx),
  });
  if (passwordHash === undefined) return parts.users.markEmailVerified(ctx.tenant, user.id);
  await parts.users.replacePassword(ctx.tenant, user.id, passwordHash, { verifyEmail: true });
  return parts.users.findById(ctx.tenant, user.id);
}
