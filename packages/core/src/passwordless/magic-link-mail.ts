import { linksOf } from '../kernel/links.js';
import type { MagicLinkParts } from './magic-link-parts.js';
import { payloadOptional, payloadText, type JobHandlers } from '../jobs/handlers.js';
import { magicLinkSettings } from './magic-link-settings.js';
import { allowedRedirect } from '../kernel/redirect-origins.js';

/** { tenant, email, redirectTo? } — a sign-in link, only to an active account. */
export const MAGIC_LINK_JOB = 'account.magic_link';

/**
 * The magic-link job. Only an active account gets a link: unknown, disabled, locked and
 * deleted addresses get nothing (the request already answered 202 alike). An unverified
 * account gets one too: using it proves the mailbox (see verifyMagicLink). A new link
 * supersedes the previous one.
 */
export async function sendMagicLink(
  parts: MagicLinkParts,
  tenant: string,
  email: string,
  redirectTo: string | undefined,
): Promise<void> {
  const user = await parts.users.findByEmail(tenant, email);
  if (!user || user.status !== 'active') return;
  const issued = await parts.secrets.issue('magic_link', tenant, user.id, magicLinkSettings(parts));
  const url = confirmUrl(parts, issued.token ?? '', redirectTo);
  await parts.deliver.email(user.email, 'magic_link', {
    email: user.email,
    url,
    token: issued.token ?? '',
    expiresInMinutes: Math.round(issued.ttlSeconds / 60),
  });
  parts.audit.emit({ type: 'magic_link.sent', tenant, userId: user.id });
}

/**
 * The link opens the confirm page the server serves (`links.magicLinkConfirm`). Its GET
 * never consumes the token (mail scanners prefetch links); a button on it sends the token.
 */
function confirmUrl(parts: MagicLinkParts, token: string, redirectTo: string | undefined): string {
  const { redirectOrigins } = parts.config.server;
  const query = new URLSearchParams({ token });
  // Checked again: the allow-list may have changed since the request was queued.
  const target = redirectTo === undefined ? null : allowedRedirect(redirectTo, redirectOrigins);
  if (target !== null) query.set('redirectTo', target);
  return `${linksOf(parts).magicLinkConfirm}?${query.toString()}`;
}

export const magicLinkJobs: JobHandlers<MagicLinkParts> = {
  [MAGIC_LINK_JOB]: (parts, { payload }) =>
    sendMagicLink(
      parts,
      payloadText(payload, 'tenant'),
      payloadText(payload, 'email'),
      payloadOptional(payload, 'redirectTo'),
    ),
};
