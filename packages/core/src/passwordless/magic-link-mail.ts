import type { AuthEngineParts } from '../signin/engine-parts.js';
import { magicLinkSettings } from './magic-link-settings.js';
import { allowedRedirect } from './redirect-origins.js';

/**
 * The page the emailed link opens, served by the server itself. Its GET never consumes the
 * token (mail scanners prefetch links); a button on it POSTs the token to
 * `/api/v1/auth/magic-link/verify`.
 */
export const MAGIC_LINK_CONFIRM_PATH = '/api/v1/auth/magic-link/confirm';

/**
 * The magic-link job. Only an active account gets a link: unknown, disabled, locked and
 * deleted addresses get nothing (the request already answered 202 alike). An unverified
 * account gets one too: using it proves the mailbox (see verifyMagicLink). A new link
 * supersedes the previous one.
 */
export async function sendMagicLink(
  parts: AuthEngineParts,
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

function confirmUrl(parts: AuthEngineParts, token: string, redirectTo: string | undefined): string {
  const { publicUrl, redirectOrigins } = parts.config.server;
  const query = new URLSearchParams({ token });
  // Checked again: the allow-list may have changed since the request was queued.
  const target = redirectTo === undefined ? null : allowedRedirect(redirectTo, redirectOrigins);
  if (target !== null) query.set('redirectTo', target);
  return `${publicUrl}${MAGIC_LINK_CONFIRM_PATH}?${query.toString()}`;
}
