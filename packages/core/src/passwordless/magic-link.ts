import { claimUnverifiedAccount } from '../accounts/claim-account.js';
import type { RequestContext } from '../kernel/request-context.js';
import { MAGIC_LINK_JOB } from './magic-link-mail.js';
import { completeSignIn } from '../signin/index.js';
import type { MagicLinkParts } from './magic-link-parts.js';
import { fail, origin, type Outcome, type SignInResult } from '../kernel/outcome.js';
import { magicLinkSettings } from './magic-link-settings.js';
import { allowedRedirect } from '../kernel/redirect-origins.js';

export interface MagicLinkRequest {
  email: string;
  /** Where the confirm page goes after signing in; an allow-listed origin only. */
  redirectTo?: string | undefined;
}

/**
 * POST /auth/magic-link: enumeration-safe in status, body and timing. Every address costs
 * the same two counter hits and one enqueue; the worker looks the account up and mails a
 * link only to an active account (see magic-link-mail.ts).
 */
export async function requestMagicLink(
  parts: MagicLinkParts,
  input: MagicLinkRequest,
  ctx: RequestContext,
): Promise<Outcome<object>> {
  if (!parts.config.accounts.magicLinks.enabled) return fail('forbidden');
  const redirectTo =
    input.redirectTo === undefined
      ? undefined
      : allowedRedirect(input.redirectTo, parts.config.server.redirectOrigins);
  if (redirectTo === null) return fail('validation_error');
  const limit = await parts.limits.request('magic_link', ctx.tenant, input.email, ctx.ip);
  if (!limit.allowed) return fail('rate_limited', { retryAfterSeconds: limit.retryAfterSeconds });
  await parts.jobs.enqueue(MAGIC_LINK_JOB, {
    tenant: ctx.tenant,
    email: input.email,
    ...(redirectTo !== undefined ? { redirectTo } : {}),
  });
  parts.audit.emit({ type: 'magic_link.requested', tenant: ctx.tenant, ...origin(ctx) });
  return { ok: true };
}

/**
 * POST /auth/magic-link/verify: rate limit → check the link (counts an attempt; the token
 * names its tenant and the MAC binds it) → consume (one of concurrent uses wins) → the
 * mailbox is now proven → the one sign-in pipeline with amr `email`, which reveals the
 * account state and turns into an MFA challenge when a second factor is enrolled.
 */
export async function verifyMagicLink(
  parts: MagicLinkParts,
  token: string,
  ctx: RequestContext,
): Promise<SignInResult> {
  if (!parts.config.accounts.magicLinks.enabled) return fail('forbidden');
  const limit = await parts.limits.codeSubmission(ctx.ip);
  if (!limit.allowed) return fail('rate_limited', { retryAfterSeconds: limit.retryAfterSeconds });
  const checked = await parts.secrets.check('magic_link', ctx.tenant, { token }, magicLinkSettings(parts));
  const found = checked ? await parts.users.findById(ctx.tenant, checked.userId) : undefined;
  if (!checked || !found || found.status === 'deleted' || !(await parts.secrets.consume(checked))) {
    parts.audit.emit({ type: 'magic_link.failed', tenant: ctx.tenant, userId: found?.id, ...origin(ctx) });
    return fail('invalid_or_expired_token');
  }
  const user =
    found.emailVerifiedAt === null && found.status === 'active'
      ? await claimUnverifiedAccount(parts, found, 'magic_link', ctx)
      : found;
  if (!user) return fail('invalid_or_expired_token');
  parts.audit.emit({ type: 'magic_link.used', tenant: ctx.tenant, userId: user.id, ...origin(ctx) });
  return completeSignIn(parts, user, ['email'], ctx);
}
