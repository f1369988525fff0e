import { claimUnverifiedAccount } from '../accounts/claim-account.js';
import { emailDomain } from '../kernel/email.js';
import { EmailTakenError, type UserRow } from '../accounts/user-repository.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { OAuthFlowParts } from './oauth-parts.js';
import { fail, origin, type Outcome } from '../kernel/outcome.js';
import type { ProviderIdentity } from './providers/types.js';

export type IdentityUser = Outcome<{ user: UserRow }>;

/**
 * Who an OAuth login is, by (tenant, provider, subject) and never by email alone:
 * 1. an identity linked before → its user (a deleted account's link is released first);
 * 2. otherwise the provider must vouch for an email (`emailVerified`: verified there and the
 *    provider trusted for it), else `email_unverified` — without looking the address up, so
 *    an unverified claim reveals nothing about which accounts exist;
 * 3. no account has the address → a new account (sign-up rules apply), verified, linked;
 * 4. a verified account has it → `account_exists_link_required`: its owner signs in and links;
 * 5. an unverified account has it → the address owner takes it over (claimUnverifiedAccount).
 */
export async function userForIdentity(
  parts: OAuthFlowParts,
  providerId: string,
  identity: ProviderIdentity,
  ctx: RequestContext,
): Promise<IdentityUser> {
  const linked = await linkedUser(parts, providerId, identity, ctx);
  if (linked) return { ok: true, user: linked };
  if (identity.email === null || !identity.emailVerified) return fail('email_unverified');
  const existing = await parts.users.findByEmail(ctx.tenant, identity.email);
  if (!existing) return signUp(parts, providerId, { ...identity, email: identity.email }, ctx);
  if (existing.status === 'deleted') return fail('account_disabled');
  if (existing.emailVerifiedAt !== null) return fail('account_exists_link_required');
  if (existing.status !== 'active') return fail('account_disabled');
  const claimed = await claimUnverifiedAccount(parts, existing, 'oauth', ctx);
  if (!claimed) return fail('account_disabled');
  return linkIdentity(parts, providerId, identity, claimed, ctx);
}

/** The user an identity is linked to; a link to a deleted account is dropped (the person may sign up anew). */
export async function linkedUser(
  parts: OAuthFlowParts,
  providerId: string,
  identity: ProviderIdentity,
  ctx: RequestContext,
): Promise<UserRow | undefined> {
  const { accounts } = parts.oauth;
  const row = await accounts.findByIdentity(ctx.tenant, providerId, identity.subject);
  if (!row) return undefined;
  const user = await parts.users.findById(ctx.tenant, row.userId);
  if (user && user.status !== 'deleted') {
    await accounts.recordUse(row.id, new Date(parts.clock.now()));
    return user;
  }
  await accounts.remove(ctx.tenant, row.userId, row.id);
  return undefined;
}

async function signUp(
  parts: OAuthFlowParts,
  providerId: string,
  identity: ProviderIdentity & { email: string },
  ctx: RequestContext,
): Promise<IdentityUser> {
  const { signupEnabled, signupAllowedDomains } = parts.config.accounts;
  const domain = emailDomain(identity.email);
  if (!signupEnabled || (signupAllowedDomains.length > 0 && !signupAllowedDomains.includes(domain))) {
    return fail('signup_disabled');
  }
  let user: UserRow;
  try {
    user = await parts.users.create({
      tenant: ctx.tenant,
      email: identity.email,
      name: identity.name,
      emailVerified: true,
    });
  } catch (error) {
    // Registered in the same instant by another path: that account is someone's to link.
    if (error instanceof EmailTakenError) return fail('account_exists_link_required');
    throw error;
  }
  parts.audit.emit({
    type: 'register.succeeded',
    tenant: ctx.tenant,
    userId: user.id,
    data: { via: 'oauth', provider: providerId },
    ...origin(ctx),
  });
  return linkIdentity(parts, providerId, identity, user, ctx);
}

/** Links the identity to the user; `conflict` when it got linked elsewhere meanwhile. */
export async function linkIdentity(
  parts: OAuthFlowParts,
  providerId: string,
  identity: ProviderIdentity,
  user: UserRow,
  ctx: RequestContext,
): Promise<IdentityUser> {
  const row = await parts.oauth.accounts.link(
    {
      tenant: ctx.tenant,
      userId: user.id,
      provider: providerId,
      subject: identity.subject,
      email: identity.email,
    },
    new Date(parts.clock.now()),
  );
  return row ? { ok: true, user } : fail('conflict');
}
